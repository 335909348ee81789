package org.medlora.heads;

import java.util.List;
import org.medlora.imaging.Bilinear;
import org.medlora.onnx.OnnxGraph;

/** {@link Upsampling#bilinear} as ONNX: the same two bilinear matrices as in training. */
final class UpsamplingOnnx {

  private UpsamplingOnnx() {}

  /** (B, C, h, w) -> (B, C, height, width) as in {@link Upsampling#bilinear}, in float32. */
  static String bilinear(OnnxGraph g, String x, int h, int w, int height, int width) {
    // (height, h) @ (B, C, h, w) @ (w, width)
    String tall = g.op("MatMul", List.of(rows(g, h, height), x));
    return g.op("MatMul", List.of(tall, columns(g, w, width)));
  }

  /** The (out, in) interpolation matrix, one constant per resize shared by every node that needs it. */
  private static String rows(OnnxGraph g, int in, int out) {
    String name = "bilinear." + in + "to" + out;
    return g.contains(name) ? name : g.initializer(name, new long[] {out, in}, Bilinear.matrix(in, out));
  }

  /** The same matrix stored transposed, (in, out), as the right-hand MatMul operand reads it. */
  private static String columns(OnnxGraph g, int in, int out) {
    String name = "bilinear." + in + "to" + out + ".T";
    if (g.contains(name)) {
      return name;
    }
    float[] m = Bilinear.matrix(in, out);
    float[] t = new float[m.length];
    for (int i = 0; i < out; i++) {
      for (int j = 0; j < in; j++) {
        t[j * out + i] = m[i * in + j];
      }
    }
    return g.initializer(name, new long[] {in, out}, t);
  }
}
