package org.medlora.data;

/**
 * One example ready for a model. The arrays are not copied: {@link ExampleLoader} makes fresh
 * ones per example and hands them over, since a copy per training step would be pure waste.
 *
 * @param pixels the normalized model input, {@code 3 x H x W} floats in CHW order
 * @param mask {@code H x W} class indices (unsigned bytes, row-major), or null for
 *     classification
 * @param patchMask the mask downsampled by nearest neighbour to one class per patch, {@code (H /
 *     14) x (W / 14)}, the targets of a linear patch head; null when {@code mask} is
 * @param label the class index (for segmentation, the class of the mask's foreground)
 */
public record Example(float[] pixels, byte[] mask, byte[] patchMask, int label) {

  public Example {
    if (pixels == null || pixels.length == 0 || pixels.length % 3 != 0) {
      throw new IllegalArgumentException(
          "pixels must hold 3 x H x W floats, got " + (pixels == null ? "null" : pixels.length));
    }
    if ((mask == null) != (patchMask == null)) {
      throw new IllegalArgumentException("mask and patchMask must both be present or both null");
    }
    if (mask != null && mask.length * 3 != pixels.length) {
      throw new IllegalArgumentException(
          "mask has " + mask.length + " pixels but the image has " + pixels.length / 3);
    }
    if (label < 0) {
      throw new IllegalArgumentException("label must be >= 0, got " + label);
    }
  }
}
