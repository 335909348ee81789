package org.medlora.heads;

import static org.medlora.onnx.OnnxGraph.attr;

import java.util.List;
import org.medlora.contracts.Pooling;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/** {@link ClassificationHead} as ONNX: pooled features (B, D or 2D) -> logits (B, C). */
final class ClassificationHeadOnnx {

  private ClassificationHeadOnnx() {}

  static String emit(OnnxGraph g, String cls, String patches, ClassificationHead head) {
    String x = cls;
    if (head.pooling() == Pooling.CLS_AND_MEAN_PATCH) {
      String mean = OnnxOps.reduceMean(g, patches, 1);
      x = g.op("Concat", List.of(cls, mean), attr("axis", 1L));
    }
    return OnnxOps.floatLinear(g, x, "head", head.weight(), head.bias());
  }
}
