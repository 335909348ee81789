package org.medlora.contracts;

/**
 * How a trained model is exported.
 *
 * @param precision default {@code fp32}
 * @param bounds what an {@code int8} export must keep of the float32 model's answers on the
 *     validation split; ignored for the other precisions. Default {@link QuantizationBounds#DEFAULT}
 */
public record ExportOptions(ExportPrecision precision, QuantizationBounds bounds) {

  public static final ExportOptions DEFAULT =
      new ExportOptions(ExportPrecision.FP32, QuantizationBounds.DEFAULT);

  public ExportOptions {
    Checks.nonNull("precision", precision);
    Checks.nonNull("bounds", bounds);
  }
}
