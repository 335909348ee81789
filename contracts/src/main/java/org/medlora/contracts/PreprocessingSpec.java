package org.medlora.contracts;

import java.util.List;

/**
 * How raw pixels become a model input, declared once so that the trainer and the server apply
 * exactly the same steps: decode to 0..255 (16-bit samples are scaled down), replicate a gray
 * channel to RGB, resize to {@code height x width} with bilinear interpolation (align_corners
 * false, no antialias), divide by 255, then normalize each channel with {@code mean} and
 * {@code std}.
 *
 * @param height model input height in pixels, a positive multiple of the patch size
 * @param width model input width in pixels
 * @param mean per-channel mean (R, G, B) subtracted after scaling to 0..1
 * @param std per-channel standard deviation (R, G, B) divided after subtracting the mean
 */
public record PreprocessingSpec(int height, int width, List<Float> mean, List<Float> std) {

  public static final int SCHEMA_VERSION = 1;

  /** ImageNet statistics, which every released DINOv2 checkpoint was trained with. */
  public static final List<Float> IMAGENET_MEAN = List.of(0.485f, 0.456f, 0.406f);

  public static final List<Float> IMAGENET_STD = List.of(0.229f, 0.224f, 0.225f);

  public PreprocessingSpec {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "input size must be positive, got " + height + "x" + width);
    }
    mean = List.copyOf(mean);
    std = List.copyOf(std);
    if (mean.size() != 3 || std.size() != 3) {
      throw new IllegalArgumentException(
          "mean and std need one value per RGB channel, got " + mean + " and " + std);
    }
    for (float s : std) {
      if (!(s > 0f)) {
        throw new IllegalArgumentException("std values must be > 0, got " + std);
      }
    }
  }

  /** DINOv2's preprocessing at the given input size. */
  public static PreprocessingSpec imagenet(int height, int width) {
    return new PreprocessingSpec(height, width, IMAGENET_MEAN, IMAGENET_STD);
  }
}
