package org.medlora.export;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Map;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.OnnxNames;

/** Output-by-output comparison of ONNX Runtime results with the DJL forward. */
final class ParityCheck {

  private ParityCheck() {}

  static Verification compare(
      Map<String, NDArray> expected, Map<String, OrtModel.Tensor> actual, int batch, ExportPrecision precision)
      throws ExportParityException {
    if (!expected.keySet().equals(actual.keySet())) {
      throw new ExportParityException(
          "the export's outputs " + actual.keySet() + " differ from the model's " + expected.keySet());
    }
    double worst = 0;
    long mismatches = 0;
    for (Map.Entry<String, NDArray> e : expected.entrySet()) {
      String name = e.getKey();
      OrtModel.Tensor got = actual.get(name);
      long[] shape = e.getValue().getShape().getShape();
      if (!Arrays.equals(shape, got.shape())) {
        throw new ExportParityException(
            name + ": the export gives shape " + Arrays.toString(got.shape()) + ", the model " + Arrays.toString(shape));
      }
      if (got.floats() != null) {
        worst = Math.max(worst, maxDiff(name, e.getValue().toFloatArray(), got.floats(), precision.tolerance()));
      } else {
        mismatches += maskMismatches(name, e.getValue(), expected.get(OnnxNames.LOGITS), got.bytes(), precision.ambiguousMargin());
      }
    }
    return new Verification(worst, precision.tolerance(), batch, mismatches);
  }

  private static double maxDiff(String name, float[] expected, float[] actual, double tolerance)
      throws ExportParityException {
    double worst = 0;
    int at = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) expected[i] - actual[i]);
      if (!(d <= worst)) {
        worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        at = i;
      }
    }
    if (worst > tolerance) {
      throw new ExportParityException(String.format(
          "%s: the export differs from the model by %.2e (tolerance %.0e) at flat index %d: %g vs %g",
          name, worst, tolerance, at, expected[at], actual[at]));
    }
    return worst;
  }

  /** Pixels whose class differs, counting only those whose top-2 logit margin is clear. */
  private static long maskMismatches(String name, NDArray expected, NDArray logits, byte[] actual, double margin)
      throws ExportParityException {
    byte[] labels = expected.toByteArray();
    NDArray sorted = logits.sort(1); // (B, C, H, W), ascending along classes
    long c = logits.getShape().get(1);
    float[] gap = sorted.get(":, " + (c - 1)).sub(sorted.get(":, " + (c - 2))).toFloatArray();
    long mismatches = 0;
    int first = -1;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != actual[i] && gap[i] >= margin) {
        mismatches++;
        first = first < 0 ? i : first;
      }
    }
    if (mismatches > 0) {
      throw new ExportParityException(
          name + ": " + mismatches + " pixel(s) get another class than in the model, first at flat index " + first);
    }
    return mismatches;
  }
}
