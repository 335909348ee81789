package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How far an int8 export may stray from its float32 twin on held-out images before it is
 * refused. Each bound is a fraction in [0, 1].
 *
 * @param minDiceVsFp32 segmentation: least mean Dice of the int8 mask against the float32 mask,
 *     over the images (foreground classes); default 0.98
 * @param maxMetricDrop the most the validation metrics may fall from float32 to int8:
 *     segmentation Dice, classification accuracy and macro F1; default 0.01
 * @param minTop1Agreement classification: least share of images whose int8 top-1 class is the
 *     float32 one; default 0.99
 */
public record QuantizationBounds(
    @JsonProperty("min-dice-vs-fp32") double minDiceVsFp32,
    @JsonProperty("max-metric-drop") double maxMetricDrop,
    @JsonProperty("min-top1-agreement") double minTop1Agreement) {

  public static final QuantizationBounds DEFAULT = new QuantizationBounds(0.98, 0.01, 0.99);

  public QuantizationBounds {
    fraction("minDiceVsFp32", minDiceVsFp32);
    fraction("maxMetricDrop", maxMetricDrop);
    fraction("minTop1Agreement", minTop1Agreement);
  }

  private static void fraction(String field, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw Checks.invalid(field, "must be between 0 and 1, got " + value);
    }
  }
}
