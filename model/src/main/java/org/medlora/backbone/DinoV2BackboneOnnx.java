package org.medlora.backbone;

import static org.medlora.onnx.OnnxGraph.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/**
 * {@link DinoV2Backbone} as ONNX for one input size. The position embedding is resampled once,
 * here, in DJL, and stored as a constant: the graph has no interpolation and cannot differ from
 * the training-time embedding.
 */
final class DinoV2BackboneOnnx {

  private DinoV2BackboneOnnx() {}

  static List<String> emit(OnnxGraph g, String pixels, DinoV2Backbone backbone, int height, int width) {
    DinoV2Config config = backbone.config();
    int d = config.embedDim();
    int r = config.numRegisterTokens();
    int gh = config.gridSize(height);
    int gw = config.gridSize(width);

    String patches = PatchEmbedOnnx.emit(g, pixels, backbone.patchEmbed, config.patchSize(), d); // (B, N, D)
    // (1, 1, D) -> (B, 1, D): the batch size comes from the input at run time.
    String batch = OnnxOps.slice(g, g.op("Shape", List.of(patches)), 0, 0, 1);
    String clsShape = g.op("Concat", List.of(batch, g.longs("one_d", 1, d)), attr("axis", 0L));
    String cls = g.op("Expand", List.of(g.initializer("cls_token", backbone.clsToken), clsShape));
    String x = g.op("Concat", List.of(cls, patches), attr("axis", 1L));
    String pos = g.initializer("pos_embed@" + gh + "x" + gw, new long[] {1, 1L + (long) gh * gw, d},
        positionEmbedding(backbone, gh, gw));
    x = g.op("Add", List.of(x, pos));
    if (r > 0) {
      String regShape = g.op("Concat", List.of(batch, g.longs("r_d", r, d)), attr("axis", 0L));
      String reg = g.op("Expand", List.of(g.initializer("register_tokens", backbone.registerTokens), regShape));
      x = g.op("Concat",
          List.of(OnnxOps.slice(g, x, 1, 0, 1), reg, OnnxOps.slice(g, x, 1, 1, Long.MAX_VALUE)),
          attr("axis", 1L));
    }
    List<TransformerBlock> blocks = backbone.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      x = TransformerBlockOnnx.emit(g, x, blocks.get(i), i, config);
    }
    String normed = TransformerBlockOnnx.norm(g, x, backbone.norm, "norm", config.layerNormEps());
    List<String> outputs = new ArrayList<>();
    outputs.add(g.op("Gather", List.of(normed, g.longScalar("cls_index", 0)), attr("axis", 1L)));
    outputs.add(OnnxOps.slice(g, normed, 1, 1L + r, Long.MAX_VALUE));
    if (r > 0) {
      outputs.add(OnnxOps.slice(g, normed, 1, 1, 1L + r));
    }
    return outputs;
  }

  private static float[] positionEmbedding(DinoV2Backbone backbone, int gh, int gw) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray pos = backbone.positionEmbedding(new ParameterStore(m, false), m, gh, gw, false);
      return pos.toFloatArray();
    }
  }
}
