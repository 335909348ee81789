package org.medlora.heads;

import java.util.List;
import org.medlora.imaging.Bilinear;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/**
 * {@link SegmentationHead} and {@link Upsampling#bilinear} as ONNX: patch tokens (B, N, D) ->
 * patch logits (B, C, gh, gw) -> pixel logits (B, C, H, W) through the same two bilinear
 * matrices as in training.
 */
final class SegmentationHeadOnnx {

  private SegmentationHeadOnnx() {}

  static String patchLogits(OnnxGraph g, String patches, SegmentationHead head) {
    String logits =
        OnnxOps.linear(g, patches, g.initializer("head.weight", head.weight()), g.initializer("head.bias", head.bias()));
    // (B, N, C) -> (B, gh, gw, C) -> (B, C, gh, gw)
    return OnnxOps.transpose(
        g, OnnxOps.reshape(g, logits, 0, head.gridHeight(), head.gridWidth(), head.numClasses()), 0, 3, 1, 2);
  }

  static String upsample(OnnxGraph g, String logits, int h, int w, int height, int width) {
    String rows = g.initializer("upsample.rows", new long[] {height, h}, Bilinear.matrix(h, height));
    String cols = g.initializer("upsample.cols", new long[] {width, w}, Bilinear.matrix(w, width));
    // (height, h) @ (B, C, h, w) @ (w, width)
    String tall = g.op("MatMul", List.of(rows, logits));
    return g.op("MatMul", List.of(tall, OnnxOps.transpose(g, cols, 1, 0)));
  }
}
