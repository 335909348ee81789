package org.medlora.imaging;

import java.util.Arrays;

/**
 * A decoded image as float samples on the 0..255 scale, channel-major (CHW, row-major within a
 * channel). 16-bit sources are already scaled down ({@code v * 255 / 65535}); alpha is dropped.
 *
 * <p>Immutable: the constructor copies the samples and {@link #samples()} returns a copy.
 * Decoders, which build a fresh array for each image, hand it over with {@link #wrap} instead:
 * a copy of a megapixel image is 4 MB on every request's path.
 */
public final class DecodedImage {

  private final int channels;
  private final int height;
  private final int width;
  private final int bitDepth;
  private final float[] samples;

  /**
   * An image over a copy of {@code samples}.
   *
   * @param channels 1 (gray) or 3 (RGB)
   * @param height rows, at least 1
   * @param width columns, at least 1
   * @param bitDepth bits per stored sample in the source file: 8 or 16, or 1, 2, 4 for packed
   *     gray and palette images (for palette images, the bits per index)
   * @param samples {@code channels * height * width} values in [0, 255]
   * @throws IllegalArgumentException if a value is out of range or the counts disagree
   */
  public DecodedImage(int channels, int height, int width, int bitDepth, float[] samples) {
    this(checkNotNull(samples).clone(), channels, height, width, bitDepth);
  }

  /** Over {@code owned} itself; the public constructor passes its copy. */
  private DecodedImage(float[] owned, int channels, int height, int width, int bitDepth) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
    }
    if (bitDepth != 1 && bitDepth != 2 && bitDepth != 4 && bitDepth != 8 && bitDepth != 16) {
      throw new IllegalArgumentException("bitDepth must be 1, 2, 4, 8 or 16, got " + bitDepth);
    }
    long expected = (long) channels * height * width;
    if (owned.length != expected) {
      throw new IllegalArgumentException(
          "expected " + expected + " samples for " + channels + "x" + height + "x" + width
              + ", got " + owned.length);
    }
    for (float v : owned) {
      // Negated so that NaN fails too.
      if (!(v >= 0f && v <= 255f)) {
        throw new IllegalArgumentException("samples must lie in [0, 255], found " + v);
      }
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.bitDepth = bitDepth;
    this.samples = owned;
  }

  /**
   * An image over {@code samples} itself, checked as the constructor checks it, for a decoder
   * that made the array for this image: the caller must not keep or change it afterwards.
   */
  public static DecodedImage wrap(int channels, int height, int width, int bitDepth,
      float[] samples) {
    return new DecodedImage(checkNotNull(samples), channels, height, width, bitDepth);
  }

  private static float[] checkNotNull(float[] samples) {
    if (samples == null) {
      throw new IllegalArgumentException("samples must not be null");
    }
    return samples;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int bitDepth() {
    return bitDepth;
  }

  /** A copy of the samples; see {@link #samplesView()} for read-only use without copying. */
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
