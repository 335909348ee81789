package org.medlora.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.medlora.imaging.Bilinear;
import org.medlora.onnx.OnnxGraph;

/**
 * Bilinear resizing of logit maps with PyTorch's align_corners=False rule, the same weights the
 * image preprocessing uses, written as two small matrix products so it stays differentiable and
 * maps one-to-one onto an exported graph.
 */
public final class Upsampling {

  private Upsampling() {}

  /** (B, C, h, w) -> (B, C, height, width). */
  public static NDArray bilinear(NDArray logits, int height, int width) {
    Shape s = logits.getShape();
    int h = (int) s.get(2);
    int w = (int) s.get(3);
    NDManager m = logits.getManager();
    NDArray rows = m.create(Bilinear.matrix(h, height), new Shape(height, h));
    NDArray cols = m.create(Bilinear.matrix(w, width), new Shape(width, w));
    // (height, h) @ (B, C, h, w) @ (w, width)
    return rows.matMul(logits).matMul(cols.transpose());
  }

  /** {@link #bilinear} as ONNX nodes: (B, C, h, w) -> (B, C, height, width). */
  public static String emitOnnx(OnnxGraph graph, String logits, int h, int w, int height, int width) {
    return UpsamplingOnnx.bilinear(graph, logits, h, w, height, width);
  }
}
