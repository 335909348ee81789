package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The element type of an exported model's weights and arithmetic, and how closely the export
 * must follow the float32 model it was trained as (the manifest's {@link VerificationInfo}).
 *
 * <p>fp32: ONNX Runtime and libtorch only sum in different orders, so 1e-4 holds on outputs of
 * magnitude up to ~10. fp16: weights rounded to 11 significant bits and fp16 arithmetic; on
 * fixture A (outputs up to ~5) the measured error is 3.3e-3, so the bound is 5e-2, and mask
 * pixels whose top-2 logits lie within 5e-2 count as ambiguous. int8: the float32 graph it is
 * quantized from is held to fp32's bound; the int8 graph itself is judged by the task's answers
 * on held-out images ({@link QuantizationBounds}), since its logits legitimately move by more.
 */
public enum ExportPrecision implements JsonNamed {
  /** float32 throughout: the default, for any server. */
  @JsonProperty("fp32")
  FP32(1e-4, 1e-4),
  /** float16 weights and arithmetic behind a float32 interface, for GPU servers. */
  @JsonProperty("fp16")
  FP16(5e-2, 5e-2),
  /**
   * int8 matrix products in the backbone and decoder, for CPU servers: verified against the
   * float32 export on held-out images within {@link QuantizationBounds}.
   */
  @JsonProperty("int8")
  INT8(1e-4, 1e-4);

  private final double tolerance;
  private final double ambiguousMargin;

  ExportPrecision(double tolerance, double ambiguousMargin) {
    this.tolerance = tolerance;
    this.ambiguousMargin = ambiguousMargin;
  }

  /** Bound on any float output's absolute difference from the float32 (DJL) model. */
  public double tolerance() {
    return tolerance;
  }

  /** Logit margin under which a pixel's class may differ between the two engines. */
  public double ambiguousMargin() {
    return ambiguousMargin;
  }

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName();
  }
}
