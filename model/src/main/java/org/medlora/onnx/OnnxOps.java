package org.medlora.onnx;

import static org.medlora.onnx.OnnxGraph.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/** Emitters for the few composite operations every model part uses. */
public final class OnnxOps {

  private OnnxOps() {}

  /**
   * {@code x W^T + b} for a (out, in) weight as checkpoints store it, in the graph's
   * {@link OnnxGraph.Arithmetic}. The weight is stored as MatMul reads it, (in, out), named
   * {@code <key>.weight.T} (int8: {@code <key>.weight.T.int8} with {@code <key>.weight.scale}),
   * so no Transpose runs at load or run time and standard ONNX tools see a plain MatMul.
   */
  public static String linear(OnnxGraph g, String x, String key, Parameter weight, Parameter bias) {
    return linear(g, x, key, weight.getArray(), bias.getArray());
  }

  /** {@link #linear(OnnxGraph, String, String, Parameter, Parameter)} of arrays, e.g. slices of a weight. */
  public static String linear(OnnxGraph g, String x, String key, NDArray w, NDArray bias) {
    if (g.arithmetic() == OnnxGraph.Arithmetic.FP32) {
      return floatLinear(g, x, key, w, bias);
    }
    String b = g.initializer(key + ".bias", bias);
    int out = Math.toIntExact(w.getShape().get(0));
    Int8Weights q = Int8Weights.of(w.toFloatArray(), out, true);
    String wq = g.bytes(key + ".weight.T.int8", TensorProto.DataType.INT8,
        new long[] {w.getShape().get(1), out}, q.values());
    List<String> xq = g.op("DynamicQuantizeLinear", List.of(x), 3); // uint8 x, its scale and zero point
    String sums = g.op("MatMulInteger", List.of(xq.get(0), wq, xq.get(2), int8Zero(g))); // int32
    String scale = g.op("Mul", List.of(xq.get(1), g.initializer(key + ".weight.scale", new long[] {out}, q.scales())));
    return g.op("Add", List.of(g.op("Mul", List.of(toFloat(g, sums), scale)), b));
  }

  /**
   * {@code x W^T + b} in float32 whatever the graph's arithmetic: for the heads, whose few
   * products decide the logits directly and cost nothing next to the backbone's.
   */
  public static String floatLinear(OnnxGraph g, String x, String key, Parameter weight, Parameter bias) {
    return floatLinear(g, x, key, weight.getArray(), bias.getArray());
  }

  private static String floatLinear(OnnxGraph g, String x, String key, NDArray w, NDArray bias) {
    String b = g.initializer(key + ".bias", bias);
    return g.op("Add", List.of(g.op("MatMul", List.of(x, transposedWeight(g, key, w))), b));
  }

  private static String transposedWeight(OnnxGraph g, String key, NDArray w) {
    return g.initializer(key + ".weight.T", new long[] {w.getShape().get(1), w.getShape().get(0)},
        w.transpose().toFloatArray());
  }

  /**
   * Convolution of x (B, Cin, H, W) with a (Cout, Cin, kh, kw) kernel and bias, then
   * {@code attributes} (pads, strides), in the graph's {@link OnnxGraph.Arithmetic}. int8 runs
   * ConvInteger on uint8 values (ONNX Runtime's CPU kernel is registered for uint8 kernels): the
   * symmetric int8 kernel shifted by 128, with 128 as its one zero point.
   */
  public static String conv(OnnxGraph g, String x, String key, Parameter weight, Parameter bias,
      AttributeProto... attributes) {
    NDArray w = weight.getArray();
    long[] shape = w.getShape().getShape();
    if (g.arithmetic() == OnnxGraph.Arithmetic.FP32) {
      return g.op("Conv", List.of(x, g.initializer(key + ".weight", weight), g.initializer(key + ".bias", bias)),
          attributes);
    }
    int out = Math.toIntExact(shape[0]);
    Int8Weights q = Int8Weights.of(w.toFloatArray(), out, false);
    String wq = g.bytes(key + ".weight.uint8", TensorProto.DataType.UINT8, shape, q.asUint8());
    List<String> xq = g.op("DynamicQuantizeLinear", List.of(x), 3);
    String sums = g.op("ConvInteger", List.of(xq.get(0), wq, xq.get(2), uint8OneTwentyEight(g)), attributes);
    long[] perChannel = {out, 1, 1}; // broadcasts over (B, Cout, H, W)
    String scale = g.op("Mul", List.of(xq.get(1), g.initializer(key + ".weight.scale", perChannel, q.scales())));
    String b = g.initializer(key + ".bias", perChannel, bias.getArray().toFloatArray());
    return g.op("Add", List.of(g.op("Mul", List.of(toFloat(g, sums), scale)), b));
  }

  private static String toFloat(OnnxGraph g, String x) {
    return g.op("Cast", List.of(x), attr("to", (long) TensorProto.DataType.FLOAT.getNumber()));
  }

  private static String int8Zero(OnnxGraph g) {
    String name = "int8.zero";
    return g.contains(name) ? name : g.bytes(name, TensorProto.DataType.INT8, new long[0], new byte[] {0});
  }

  private static String uint8OneTwentyEight(OnnxGraph g) {
    String name = "uint8.128";
    return g.contains(name) ? name : g.bytes(name, TensorProto.DataType.UINT8, new long[0], new byte[] {(byte) 128});
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

  /** Mean over {@code axis}, which is dropped: an attribute until opset 17, an input since 18. */
  public static String reduceMean(OnnxGraph g, String x, long axis) {
    return g.opset() >= 18
        ? g.op("ReduceMean", List.of(x, g.longs("axes", axis)), attr("keepdims", 0L))
        : g.op("ReduceMean", List.of(x), attr("axes", new long[] {axis}), attr("keepdims", 0L));
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
