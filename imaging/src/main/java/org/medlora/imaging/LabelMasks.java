package org.medlora.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Segmentation label masks (one class index per pixel) brought back to an image's own size and
 * written as 8-bit grayscale PNG, the usual label-map format of segmentation datasets.
 */
public final class LabelMasks {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte PNG_FILTER_UP = 2;

  private LabelMasks() {}

  /**
   * Nearest-neighbour resize of a row-major (h, w) mask to (height, width): class indices must not
   * be blended. Source pixel for d is floor(d * in / out), as PyTorch's nearest mode.
   */
  public static byte[] resizeNearest(byte[] mask, int h, int w, int height, int width) {
    checkMask(mask, h, w);
    int[] sx = nearestSources(w, width); // the same source column for every row
    byte[] out = new byte[height * width];
    for (int y = 0; y < height; y++) {
      int row = y * width;
      if (y > 0 && nearestSource(y, h, height) == nearestSource(y - 1, h, height)) {
        System.arraycopy(out, row - width, out, row, width); // upsampling repeats source rows
        continue;
      }
      int from = nearestSource(y, h, height) * w;
      for (int x = 0; x < width; x++) {
        out[row + x] = mask[from + sx[x]];
      }
    }
    return out;
  }

  /** An 8-bit grayscale PNG of a (height, width) mask: {@link #toPng(byte[], int, int, int, int)} at its own size. */
  public static byte[] toPng(byte[] mask, int height, int width) {
    return toPng(mask, height, width, height, width);
  }

  /**
   * An 8-bit grayscale PNG whose pixel values are the class indices of the (h, w) mask resized
   * to (height, width) as {@link #resizeNearest} resizes it, written row by row: the resized
   * mask is never held whole, nor are the filtered rows (megabytes for a radiograph).
   *
   * <p>Written here rather than by the JDK's PNG writer, which tries all five row filters on
   * every row: a label mask needs only the "Up" filter, which turns every row equal to the one
   * above (most rows of an upsampled mask) into zeros, and the fastest deflate level. It sits on
   * every segmentation request's path (its "render" stage in benchmarks/SERVING.md).
   */
  public static byte[] toPng(byte[] mask, int h, int w, int height, int width) {
    checkMask(mask, h, w);
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("a PNG has at least 1x1 pixels, not " + height + "x" + width);
    }
    int[] sx = nearestSources(w, width);
    byte[] above = new byte[width]; // the row above the first is zeros
    byte[] row = new byte[width];
    // Each scanline is a filter-type byte and the row's differences from the row above.
    byte[] scanline = new byte[width + 1];
    byte[] unchanged = new byte[width + 1];
    scanline[0] = PNG_FILTER_UP;
    unchanged[0] = PNG_FILTER_UP;
    Deflater deflater = new Deflater(Deflater.BEST_SPEED); // zlib format, as PNG requires
    ByteArrayOutputStream idat = new ByteArrayOutputStream(height * width / 64 + 64);
    byte[] buffer = new byte[64 * 1024];
    try {
      int previousSource = -1;
      for (int y = 0; y < height; y++) {
        int source = nearestSource(y, h, height);
        // Upsampling repeats source rows; other rows may still equal the one above.
        boolean same = source == previousSource;
        if (!same) {
          int from = source * w;
          for (int x = 0; x < width; x++) {
            row[x] = mask[from + sx[x]];
          }
          same = y > 0 && Arrays.equals(row, above);
        }
        if (same) {
          deflater.setInput(unchanged);
        } else {
          for (int x = 0; x < width; x++) {
            scanline[1 + x] = (byte) (row[x] - above[x]);
          }
          deflater.setInput(scanline);
          byte[] t = above;
          above = row;
          row = t;
        }
        while (!deflater.needsInput()) {
          idat.write(buffer, 0, deflater.deflate(buffer));
        }
        previousSource = source;
      }
      deflater.finish();
      while (!deflater.finished()) {
        idat.write(buffer, 0, deflater.deflate(buffer));
      }
    } finally {
      deflater.end();
    }
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8)  // bits per sample
        .put((byte) 0)  // colour type: grayscale
        .put((byte) 0)  // compression: deflate
        .put((byte) 0)  // filter method: adaptive (per-row filter bytes)
        .put((byte) 0); // no interlacing
    ByteArrayOutputStream png = new ByteArrayOutputStream(idat.size() + 64);
    png.writeBytes(PNG_SIGNATURE);
    chunk(png, "IHDR", ihdr.array());
    chunk(png, "IDAT", idat.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void checkMask(byte[] mask, int h, int w) {
    if (h < 1 || w < 1 || mask.length != h * w) {
      throw new IllegalArgumentException("mask has " + mask.length + " pixels, not " + h + "x" + w);
    }
  }

  /** Nearest source index of each of {@code out} positions along an axis of {@code in}. */
  private static int[] nearestSources(int in, int out) {
    int[] source = new int[out];
    for (int d = 0; d < out; d++) {
      source[d] = nearestSource(d, in, out);
    }
    return source;
  }

  private static int nearestSource(int d, int in, int out) {
    return (int) ((long) d * in / out);
  }

  /** One PNG chunk: length, type, data and the CRC-32 of type and data. */
  private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    png.writeBytes(typeBytes);
    png.writeBytes(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
