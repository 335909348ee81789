package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How closely the exported ONNX model reproduced the training framework's outputs on a probe
 * batch before it was published; for an int8 model, the figures are those of the float32 graph
 * it was quantized from, and {@code quantization} says how the int8 model itself answered.
 *
 * @param maxAbsDiff largest absolute difference between the two outputs, at least 0
 * @param tolerance the bound {@code maxAbsDiff} was checked against, positive
 * @param probeBatch number of probe images, at least 1
 * @param argmaxMismatches predicted classes (or pixels) that differ, at least 0
 * @param quantization int8: the task-level check against float32 on held-out images; null for
 *     fp32 and fp16
 */
public record VerificationInfo(
    @JsonProperty("max-abs-diff") double maxAbsDiff,
    double tolerance,
    @JsonProperty("probe-batch") int probeBatch,
    @JsonProperty("argmax-mismatches") long argmaxMismatches,
    QuantizationCheck quantization) {

  /** A float model's verification: no quantization check. */
  public VerificationInfo(double maxAbsDiff, double tolerance, int probeBatch, long argmaxMismatches) {
    this(maxAbsDiff, tolerance, probeBatch, argmaxMismatches, null);
  }

  public VerificationInfo {
    Checks.finiteAtLeast("maxAbsDiff", maxAbsDiff, 0);
    if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be finite and > 0, got " + tolerance);
    }
    Checks.atLeast("probeBatch", probeBatch, 1);
    if (argmaxMismatches < 0) {
      throw new IllegalArgumentException(
          "argmaxMismatches must be >= 0, got " + argmaxMismatches);
    }
  }
}
