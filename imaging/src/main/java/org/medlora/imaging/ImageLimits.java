package org.medlora.imaging;

/**
 * Upper bounds that {@link ImageDecoder} enforces before it spends memory on an image.
 *
 * <p>The pixel bound is checked against the dimensions in the file header, before any pixel data
 * is decoded, so a small, highly compressed file that claims a huge canvas (a decompression bomb)
 * is refused cheaply.
 *
 * @param maxBytes largest accepted encoded input, in bytes
 * @param maxPixels largest accepted {@code width * height} of the decoded image
 */
public record ImageLimits(long maxBytes, long maxPixels) {

  /**
   * 64 MiB of encoded data and 100 megapixels: generous for radiographs and photos. A decoded
   * 100-megapixel RGB image takes 1.2 GB as floats, so servers may want a tighter bound.
   */
  public static final ImageLimits DEFAULT = new ImageLimits(64L * 1024 * 1024, 100_000_000L);

  public ImageLimits {
    if (maxBytes <= 0 || maxPixels <= 0) {
      throw new IllegalArgumentException(
          "image limits must be > 0, got maxBytes=" + maxBytes + ", maxPixels=" + maxPixels);
    }
  }
}
