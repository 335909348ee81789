package org.medlora.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Segmentation label masks (one class index per pixel) brought back to an image's own size and
 * written as 8-bit grayscale PNG, the usual label-map format of segmentation datasets.
 */
public final class LabelMasks {

  private LabelMasks() {}

  /**
   * Nearest-neighbour resize of a row-major (h, w) mask to (height, width): class indices must not
   * be blended. Source pixel for d is floor(d * in / out), as PyTorch's nearest mode.
   */
  public static byte[] resizeNearest(byte[] mask, int h, int w, int height, int width) {
    if (mask.length != h * w) {
      throw new IllegalArgumentException("mask has " + mask.length + " pixels, not " + h + "x" + w);
    }
    byte[] out = new byte[height * width];
    for (int y = 0; y < height; y++) {
      int sy = (int) ((long) y * h / height);
      for (int x = 0; x < width; x++) {
        out[y * width + x] = mask[sy * w + (int) ((long) x * w / width)];
      }
    }
    return out;
  }

  /** An 8-bit grayscale PNG whose pixel values are the class indices. */
  public static byte[] toPng(byte[] mask, int height, int width) {
    if (mask.length != height * width) {
      throw new IllegalArgumentException("mask has " + mask.length + " pixels, not " + height + "x" + width);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(mask, 0, pixels, 0, mask.length);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed in memory", e);
    }
    return png.toByteArray();
  }
}
