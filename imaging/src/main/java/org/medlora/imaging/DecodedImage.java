package org.medlora.imaging;

import java.util.Arrays;

/**
 * A decoded image as float samples on the 0..255 scale, channel-major (CHW, row-major within a
 * channel). 16-bit sources are already scaled down ({@code v * 255 / 65535}); alpha is dropped.
 *
 * <p>The record is immutable: the sample array is copied on construction and on access.
 *
 * @param channels 1 (gray) or 3 (RGB)
 * @param height rows, at least 1
 * @param width columns, at least 1
 * @param bitDepth bits per stored sample in the source file: 8 or 16, or 1, 2, 4 for packed
 *     gray and palette images (for palette images, the bits per index)
 * @param samples {@code channels * height * width} values in [0, 255]
 */
public record DecodedImage(int channels, int height, int width, int bitDepth, float[] samples) {

  public DecodedImage {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
    }
    if (bitDepth != 1 && bitDepth != 2 && bitDepth != 4 && bitDepth != 8 && bitDepth != 16) {
      throw new IllegalArgumentException("bitDepth must be 1, 2, 4, 8 or 16, got " + bitDepth);
    }
    if (samples == null) {
      throw new IllegalArgumentException("samples must not be null");
    }
    long expected = (long) channels * height * width;
    if (samples.length != expected) {
      throw new IllegalArgumentException(
          "expected " + expected + " samples for " + channels + "x" + height + "x" + width
              + ", got " + samples.length);
    }
    samples = samples.clone();
    for (float v : samples) {
      // Negated so that NaN fails too.
      if (!(v >= 0f && v <= 255f)) {
        throw new IllegalArgumentException("samples must lie in [0, 255], found " + v);
      }
    }
  }

  /** A copy of the samples; see {@link #samplesView()} for read-only use without copying. */
  @Override
  public float[] samples() {
    return samples.clone();
  }

  /** The internal array, for package code that only reads it (avoids copying large images). */
  float[] samplesView() {
    return samples;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecodedImage other
        && channels == other.channels
        && height == other.height
        && width == other.width
        && bitDepth == other.bitDepth
        && Arrays.equals(samples, other.samples);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * (31 * channels + height) + width) + bitDepth)
        + Arrays.hashCode(samples);
  }

  @Override
  public String toString() {
    return "DecodedImage[channels=" + channels + ", height=" + height + ", width=" + width
        + ", bitDepth=" + bitDepth + "]";
  }
}
