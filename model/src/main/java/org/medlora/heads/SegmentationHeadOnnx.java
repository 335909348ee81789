package org.medlora.heads;

import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/** {@link SegmentationHead} as ONNX: patch tokens (B, N, D) -> patch logits (B, C, gh, gw). */
final class SegmentationHeadOnnx {

  private SegmentationHeadOnnx() {}

  static String patchLogits(OnnxGraph g, String patches, SegmentationHead head) {
    String logits = OnnxOps.floatLinear(g, patches, "head", head.weight(), head.bias());
    // (B, N, C) -> (B, gh, gw, C) -> (B, C, gh, gw)
    return OnnxOps.transpose(
        g, OnnxOps.reshape(g, logits, 0, head.gridHeight(), head.gridWidth(), head.numClasses()), 0, 3, 1, 2);
  }
}
