package org.medlora.export;

import java.util.Locale;
import org.medlora.contracts.ExportPrecision;

/**
 * Numeric precision of an export and how closely it must follow the float32 DJL model.
 *
 * <p>fp32: ONNX Runtime and libtorch only sum in different orders, so 1e-4 holds on outputs of
 * magnitude up to ~10. fp16: weights rounded to 11 significant bits and fp16 arithmetic; on
 * fixture A (outputs up to ~5) the measured error is 3.3e-3, so the bound is 5e-2, and mask
 * pixels whose top-2 logits lie within 5e-2 count as ambiguous. int8: the float32 graph it is
 * quantized from is held to fp32's bound; the int8 graph itself is judged by the task's answers
 * on held-out images ({@link QuantizationBounds}), since its logits legitimately move by more.
 */
public enum Precision {
  FP32(1e-4, 1e-4),
  FP16(5e-2, 5e-2),
  INT8(1e-4, 1e-4);

  private final double tolerance;
  private final double ambiguousMargin;

  Precision(double tolerance, double ambiguousMargin) {
    this.tolerance = tolerance;
    this.ambiguousMargin = ambiguousMargin;
  }

  /** The precision a request or the command line names. */
  public static Precision of(ExportPrecision precision) {
    return valueOf(precision.name());
  }

  /** Bound on any float output's absolute difference from the DJL model. */
  public double tolerance() {
    return tolerance;
  }

  /** Logit margin under which a pixel's class may differ between the two engines. */
  public double ambiguousMargin() {
    return ambiguousMargin;
  }

  /** The manifest's and the command line's name: "fp32", "fp16" or "int8". */
  public String manifestName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
