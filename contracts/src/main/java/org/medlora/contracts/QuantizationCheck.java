package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Map;

/**
 * How an int8 export answered on held-out images next to the float32 model it was quantized
 * from, checked against {@code bounds} before it was published. Metric maps use the keys of the
 * training metrics ({@code dice}, {@code accuracy}, {@code macro-f1}, ...) and are empty when the
 * images came without truth.
 *
 * @param heldOut where the images came from: {@code validation} (the training run's split) or
 *     {@code given} (a data set named at export)
 * @param images how many images, at least 1
 * @param diceVsFp32 segmentation: mean over images of the foreground Dice between the int8 and
 *     the float32 mask; null for classification
 * @param top1Agreement classification: share of images with the same top-1 class; null for
 *     segmentation
 * @param fp32Metrics the float32 model's metrics against the truth
 * @param int8Metrics the int8 model's, same keys
 * @param bounds the bounds the figures were held to
 */
public record QuantizationCheck(
    @JsonProperty("held-out") String heldOut,
    int images,
    @JsonProperty("dice-vs-fp32") Double diceVsFp32,
    @JsonProperty("top1-agreement") Double top1Agreement,
    @JsonProperty("fp32-metrics") Map<String, Double> fp32Metrics,
    @JsonProperty("int8-metrics") Map<String, Double> int8Metrics,
    QuantizationBounds bounds) {

  public QuantizationCheck {
    Checks.nonBlank("heldOut", heldOut);
    Checks.atLeast("images", images, 1);
    if ((diceVsFp32 == null) == (top1Agreement == null)) {
      throw Checks.invalid("diceVsFp32", "exactly one of diceVsFp32 (segmentation) and top1Agreement "
          + "(classification) must be set, got " + diceVsFp32 + " and " + top1Agreement);
    }
    fp32Metrics = Map.copyOf(Checks.nonNull("fp32Metrics", fp32Metrics));
    int8Metrics = Map.copyOf(Checks.nonNull("int8Metrics", int8Metrics));
    if (!fp32Metrics.keySet().equals(int8Metrics.keySet())) {
      throw Checks.invalid("int8Metrics", "must have the keys of fp32Metrics " + fp32Metrics.keySet()
          + ", got " + int8Metrics.keySet());
    }
    Checks.nonNull("bounds", bounds);
  }

  /**
   * The figures in one line for people, e.g. {@code int8 against fp32 on 30 validation images:
   * mask Dice 0.9957; dice 0.9312 -> 0.9301}.
   */
  public String summary() {
    StringBuilder s = new StringBuilder("int8 against fp32 on " + images + " " + heldOut + " images: ");
    s.append(diceVsFp32 != null ? String.format(Locale.ROOT, "mask Dice %.4f", diceVsFp32)
        : String.format(Locale.ROOT, "top-1 agreement %.4f", top1Agreement));
    fp32Metrics.keySet().stream().sorted().forEach(k -> s.append(String.format(Locale.ROOT, "; %s %.4f -> %.4f", k,
        fp32Metrics.get(k), int8Metrics.get(k))));
    return s.toString();
  }
}
