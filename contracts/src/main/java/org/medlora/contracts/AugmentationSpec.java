package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Random changes to each training image (never to validation images); a mask gets the same
 * geometric change as its image.
 *
 * @param horizontalFlip flip left-right with probability 0.5; default true
 * @param verticalFlip flip top-bottom with probability 0.5; default true
 * @param randomResizedCrop crop a random part, then resize it to the input size; default true
 * @param cropScaleMin smallest crop area as a share of the image, in (0, 1]; default 0.5
 * @param cropScaleMax largest crop area, in [cropScaleMin, 1]; default 1.0
 */
public record AugmentationSpec(
    @JsonProperty("horizontal-flip") boolean horizontalFlip,
    @JsonProperty("vertical-flip") boolean verticalFlip,
    @JsonProperty("random-resized-crop") boolean randomResizedCrop,
    @JsonProperty("crop-scale-min") double cropScaleMin,
    @JsonProperty("crop-scale-max") double cropScaleMax) {

  public static final AugmentationSpec DEFAULT = new AugmentationSpec(true, true, true, 0.5, 1.0);

  public AugmentationSpec {
    checkScale("cropScaleMin", cropScaleMin);
    checkScale("cropScaleMax", cropScaleMax);
    if (cropScaleMin > cropScaleMax) {
      throw Checks.invalid("cropScaleMin",
          "must not exceed the largest crop scale " + cropScaleMax + ", got " + cropScaleMin);
    }
  }

  private static void checkScale(String field, double scale) {
    if (!(scale > 0 && scale <= 1)) {
      throw Checks.invalid(field, "must be > 0 and <= 1, got " + scale);
    }
  }
}
