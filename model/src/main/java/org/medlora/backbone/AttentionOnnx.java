package org.medlora.backbone;

import static org.medlora.onnx.OnnxGraph.attr;

import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.medlora.lora.LoraAdapterBlock;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/**
 * {@link AttentionBlock} as ONNX. LoRA must be merged first: the exported graph is the plain
 * DINOv2 attention with the adapted weights, so servers need to know nothing about LoRA.
 */
final class AttentionOnnx {

  private AttentionOnnx() {}

  /**
   * x (B, T, D) -> (B, T, D), with the fused Attention op when the graph's opset has it and
   * separate operators otherwise. Initializers are named {@code <key>.qkv.weight} (fused:
   * {@code <key>.q.weight}, {@code .k}, {@code .v}) and {@code <key>.proj.weight}, and so on.
   */
  static String emit(OnnxGraph g, String x, AttentionBlock block, String key, DinoV2Config config) {
    LoraAdapterBlock.requireMerged(block.adapters.values(), key);
    // The two activation products stay float32 at int8 too: quantizing them (and the softmax's
    // peaky probabilities) per tensor saved 0-8% CPU time at 448, not worth the risk to accuracy.
    String out = g.opset() >= OnnxGraph.ATTENTION_OPSET
        ? fused(g, x, block, key, config)
        : separate(g, x, block, key, config);
    return OnnxOps.linear(g, out, key + ".proj", block.projWeight, block.projBias);
  }

  /**
   * Opset 23's Attention on q, k, v (B, T, D) each, its default scale 1/sqrt(head dim) being
   * DINOv2's. They come from three linears of x rather than a Split of one qkv product, which
   * would copy that (B, T, 3D) product once more. At int8 each linear quantizes x itself; ONNX
   * Runtime's common-subexpression elimination (basic optimization level and up) merges the three
   * DynamicQuantizeLinear nodes into one.
   */
  private static String fused(OnnxGraph g, String x, AttentionBlock block, String key, DinoV2Config config) {
    List<String> qkv = new ArrayList<>();
    try (NDList weights = block.qkvWeight.getArray().split(3); NDList biases = block.qkvBias.getArray().split(3)) {
      for (int i = 0; i < 3; i++) {
        qkv.add(OnnxOps.linear(g, x, key + "." + "qkv".charAt(i), weights.get(i), biases.get(i)));
      }
    }
    long heads = config.numHeads();
    return g.op("Attention", qkv, attr("q_num_heads", heads), attr("kv_num_heads", heads));
  }

  /** The same attention as Gather, MatMul, Softmax and Transpose operators: (B, T, D). */
  private static String separate(OnnxGraph g, String x, AttentionBlock block, String key, DinoV2Config config) {
    int h = config.numHeads();
    String qkv = OnnxOps.linear(g, x, key + ".qkv", block.qkvWeight, block.qkvBias); // (B, T, 3D)
    // (B, T, 3D) -> (B, T, 3, H, E) -> (3, B, H, T, E)
    String heads = OnnxOps.transpose(g, OnnxOps.reshape(g, qkv, 0, 0, 3, h, config.headDim()), 2, 0, 3, 1, 4);
    String q = g.op("Gather", List.of(heads, g.longScalar("q", 0)), attr("axis", 0L));
    String k = g.op("Gather", List.of(heads, g.longScalar("k", 1)), attr("axis", 0L));
    String v = g.op("Gather", List.of(heads, g.longScalar("v", 2)), attr("axis", 0L));
    q = g.op("Mul", List.of(q, g.scalar("scale", (float) Math.pow(config.headDim(), -0.5))));
    String scores = g.op("MatMul", List.of(q, OnnxOps.transpose(g, k, 0, 1, 3, 2))); // (B, H, T, T)
    String attn = g.op("Softmax", List.of(scores), attr("axis", -1L));
    // (B, H, T, E) -> (B, T, H, E) -> (B, T, D)
    return OnnxOps.reshape(g, OnnxOps.transpose(g, g.op("MatMul", List.of(attn, v)), 0, 2, 1, 3), 0, 0, config.embedDim());
  }
}
