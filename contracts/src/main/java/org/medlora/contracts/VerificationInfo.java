package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How closely the exported ONNX model reproduced the training framework's outputs on a probe
 * batch before it was published.
 *
 * @param maxAbsDiff largest absolute difference between the two outputs, at least 0
 * @param tolerance the bound {@code maxAbsDiff} was checked against, positive
 * @param probeBatch number of probe images, at least 1
 * @param argmaxMismatches predicted classes (or pixels) that differ, at least 0
 */
public record VerificationInfo(
    @JsonProperty("max-abs-diff") double maxAbsDiff,
    double tolerance,
    @JsonProperty("probe-batch") int probeBatch,
    @JsonProperty("argmax-mismatches") long argmaxMismatches) {

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
