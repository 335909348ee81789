package org.medlora.onnx;

import static org.medlora.onnx.OnnxGraph.attr;

import java.util.List;

/** Emitters for the few composite operations every model part uses. */
public final class OnnxOps {

  private OnnxOps() {}

  /**
   * {@code x W^T + b} for a (out, in) weight as stored in checkpoints. The Transpose of a constant
   * is folded away by ONNX Runtime when the session is created.
   */
  public static String linear(OnnxGraph g, String x, String weight, String bias) {
    String wt = g.op("Transpose", List.of(weight), attr("perm", 1L, 0L));
    return g.op("Add", List.of(g.op("MatMul", List.of(x, wt)), bias));
  }

  /** LayerNorm over the last axis with biased variance, as torch's. */
  public static String layerNorm(OnnxGraph g, String x, String scale, String bias, float eps) {
    return g.op("LayerNormalization", List.of(x, scale, bias), attr("axis", -1L), attr("epsilon", eps));
  }

  /** Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}: opset 17 has no Gelu op. */
  public static String gelu(OnnxGraph g, String x) {
    String erf = g.op("Erf", List.of(g.op("Div", List.of(x, g.scalar("sqrt2", (float) Math.sqrt(2))))));
    String onePlus = g.op("Add", List.of(erf, g.scalar("one", 1f)));
    return g.op("Mul", List.of(g.op("Mul", List.of(x, onePlus)), g.scalar("half", 0.5f)));
  }

  /** Reshape to {@code dims}; 0 copies the input's dimension, -1 is inferred. */
  public static String reshape(OnnxGraph g, String x, long... dims) {
    return g.op("Reshape", List.of(x, g.longs("shape", dims)));
  }

  public static String transpose(OnnxGraph g, String x, long... perm) {
    return g.op("Transpose", List.of(x), attr("perm", perm));
  }

  /** {@code x[..., start:end, ...]} along {@code axis}. */
  public static String slice(OnnxGraph g, String x, long axis, long start, long end) {
    return g.op("Slice", List.of(x, g.longs("starts", start), g.longs("ends", end), g.longs("axes", axis)));
  }
}
