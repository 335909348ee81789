package org.medlora.backbone;

import java.util.List;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/** {@link TransformerBlock} as ONNX, with initializers named {@code blocks.<i>.*}. */
final class TransformerBlockOnnx {

  private TransformerBlockOnnx() {}

  static String emit(OnnxGraph g, String x, TransformerBlock block, int index, DinoV2Config config) {
    String key = "blocks." + index;
    float eps = config.layerNormEps();
    String n1 = norm(g, x, block.norm1, key + ".norm1", eps);
    String a = AttentionOnnx.emit(g, n1, block.attn, key + ".attn", config);
    x = g.op("Add", List.of(x, g.op("Mul", List.of(a, g.initializer(key + ".ls1.gamma", block.ls1)))));
    String n2 = norm(g, x, block.norm2, key + ".norm2", eps);
    String m = MlpOnnx.emit(g, n2, block.mlp, key + ".mlp");
    return g.op("Add", List.of(x, g.op("Mul", List.of(m, g.initializer(key + ".ls2.gamma", block.ls2)))));
  }

  static String norm(OnnxGraph g, String x, ai.djl.nn.norm.LayerNorm norm, String key, float eps) {
    String scale = g.initializer(key + ".weight", norm.getDirectParameters().get("gamma"));
    String bias = g.initializer(key + ".bias", norm.getDirectParameters().get("beta"));
    return OnnxOps.layerNorm(g, x, scale, bias, eps);
  }
}
