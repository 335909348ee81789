package org.medlora.backbone;

import static org.medlora.onnx.OnnxGraph.attr;

import java.util.List;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/** {@link PatchEmbedBlock} as ONNX: Conv (kernel = stride = P), then (B, D, N) -> (B, N, D). */
final class PatchEmbedOnnx {

  private PatchEmbedOnnx() {}

  static String emit(OnnxGraph g, String pixels, PatchEmbedBlock block, int patchSize, int embedDim) {
    String w = g.initializer("patch_embed.proj.weight", block.weight);
    String b = g.initializer("patch_embed.proj.bias", block.bias);
    String y =
        g.op("Conv", List.of(pixels, w, b),
            attr("kernel_shape", patchSize, patchSize), attr("strides", patchSize, patchSize));
    return OnnxOps.transpose(g, OnnxOps.reshape(g, y, 0, embedDim, -1), 0, 2, 1);
  }
}
