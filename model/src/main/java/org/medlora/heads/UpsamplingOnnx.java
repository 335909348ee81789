package org.medlora.heads;

import java.util.List;
import org.medlora.imaging.Bilinear;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/** {@link Upsampling#bilinear} as ONNX: the same two bilinear matrices as in training. */
final class UpsamplingOnnx {

  private UpsamplingOnnx() {}

  /** (B, C, h, w) -> (B, C, height, width) as in {@link Upsampling#bilinear}. */
  static String bilinear(OnnxGraph g, String x, int h, int w, int height, int width) {
    String rows = matrix(g, h, height);
    String cols = matrix(g, w, width);
    // (height, h) @ (B, C, h, w) @ (w, width)
    String tall = g.op("MatMul", List.of(rows, x));
    return g.op("MatMul", List.of(tall, OnnxOps.transpose(g, cols, 1, 0)));
  }

  /** One constant per resize, shared by every node that needs it. */
  private static String matrix(OnnxGraph g, int in, int out) {
    String name = "bilinear." + in + "to" + out;
    return g.contains(name) ? name : g.initializer(name, new long[] {out, in}, Bilinear.matrix(in, out));
  }
}
