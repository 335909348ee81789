package org.medlora.imaging;

import java.util.Arrays;

/**
 * A decoded image as samples on the 0..255 scale, channel-major (CHW, row-major within a
 * channel). 16-bit sources are already scaled down ({@code v * 255 / 65535}); alpha is dropped.
 *
 * <p>8-bit images (and palettes) keep their samples as bytes, which are exactly the values:
 * a quarter of the memory of floats and nothing to check, on every request's path. Other
 * images (16-bit, DICOM after its windowing) keep floats. Both read alike through
 * {@link #samples()} and {@link #readRow}.
 *
 * <p>Immutable: the constructor copies the samples and {@link #samples()} returns a copy.
 * Decoders, which build a fresh array for each image, hand it over with {@link #wrap} or
 * {@link #wrapBytes} instead: a copy of a megapixel image is megabytes on every request's path.
 */
public final class DecodedImage {

  private final int channels;
  private final int height;
  private final int width;
  private final int bitDepth;
  /** The samples of an 8-bit source as unsigned bytes, or null when {@link #floats} holds them. */
  private final byte[] bytes;
  private final float[] floats;

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
    this(null, checkNotNull(samples).clone(), channels, height, width, bitDepth);
  }

  /** Over {@code ownedBytes} or {@code ownedFloats} itself; the public constructor passes its copy. */
  private DecodedImage(byte[] ownedBytes, float[] ownedFloats, int channels, int height, int width,
      int bitDepth) {
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
    int length = ownedBytes != null ? ownedBytes.length : ownedFloats.length;
    if (length != expected) {
      throw new IllegalArgumentException(
          "expected " + expected + " samples for " + channels + "x" + height + "x" + width
              + ", got " + length);
    }
    if (ownedFloats != null) {
      for (float v : ownedFloats) {
        // Negated so that NaN fails too.
        if (!(v >= 0f && v <= 255f)) {
          throw new IllegalArgumentException("samples must lie in [0, 255], found " + v);
        }
      }
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.bitDepth = bitDepth;
    this.bytes = ownedBytes;
    this.floats = ownedFloats;
  }

  /**
   * An image over {@code samples} itself, checked as the constructor checks it, for a decoder
   * that made the array for this image: the caller must not keep or change it afterwards.
   */
  public static DecodedImage wrap(int channels, int height, int width, int bitDepth,
      float[] samples) {
    return new DecodedImage(null, checkNotNull(samples), channels, height, width, bitDepth);
  }

  /**
   * An image over {@code samples} itself, unsigned bytes that are the values on the 0..255 scale,
   * for a decoder that made the array for this image: the caller must not keep or change it.
   *
   * @param bitDepth 8, or 1, 2, 4 for packed gray and palette sources
   */
  public static DecodedImage wrapBytes(int channels, int height, int width, int bitDepth,
      byte[] samples) {
    if (samples == null) {
      throw new IllegalArgumentException("samples must not be null");
    }
    if (bitDepth == 16) {
      throw new IllegalArgumentException("16-bit samples do not fit in bytes; use wrap");
    }
    return new DecodedImage(samples, null, channels, height, width, bitDepth);
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

  /** A copy of the samples as floats, CHW. */
  public float[] samples() {
    if (floats != null) {
      return floats.clone();
    }
    float[] out = new float[bytes.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes[i] & 0xff;
    }
    return out;
  }

  /**
   * Row {@code y} of channel {@code channel} as floats into {@code into[0..width)}: how the
   * resizing reads an image of either kind without a float copy of all of it.
   */
  void readRow(int channel, int y, float[] into) {
    int from = (channel * height + y) * width;
    if (floats != null) {
      System.arraycopy(floats, from, into, 0, width);
      return;
    }
    for (int x = 0; x < width; x++) {
      into[x] = bytes[from + x] & 0xff;
    }
  }

  /**
   * The image with each channel's pixel {@code i} (row-major, {@code outHeight x outWidth})
   * taken from stored pixel {@code from[i]} of that channel, kept as it is stored: bytes stay
   * bytes. For turning and mirroring.
   */
  DecodedImage remapped(int outHeight, int outWidth, int[] from) {
    int plane = height * width;
    if (from.length != plane || (long) outHeight * outWidth != plane) {
      throw new IllegalArgumentException("a remapping of " + height + "x" + width + " moves "
          + plane + " pixels, not " + from.length + " into " + outHeight + "x" + outWidth);
    }
    if (bytes != null) {
      byte[] out = new byte[bytes.length];
      for (int c = 0; c < channels; c++) {
        for (int i = 0; i < plane; i++) {
          out[c * plane + i] = bytes[c * plane + from[i]];
        }
      }
      return new DecodedImage(out, null, channels, outHeight, outWidth, bitDepth);
    }
    float[] out = new float[floats.length];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < plane; i++) {
        out[c * plane + i] = floats[c * plane + from[i]];
      }
    }
    return new DecodedImage(null, out, channels, outHeight, outWidth, bitDepth);
  }

  /** The samples as floats for package code that only reads them: no copy when they are floats. */
  float[] floatsForReading() {
    return floats != null ? floats : samples();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DecodedImage other)
        || channels != other.channels
        || height != other.height
        || width != other.width
        || bitDepth != other.bitDepth) {
      return false;
    }
    return bytes != null && other.bytes != null
        ? Arrays.equals(bytes, other.bytes)
        : Arrays.equals(floatsForReading(), other.floatsForReading());
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * (31 * channels + height) + width) + bitDepth)
        + Arrays.hashCode(floatsForReading());
  }

  @Override
  public String toString() {
    return "DecodedImage[channels=" + channels + ", height=" + height + ", width=" + width
        + ", bitDepth=" + bitDepth + "]";
  }
}
