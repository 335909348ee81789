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
    if (mask.length != h * w) {
      throw new IllegalArgumentException("mask has " + mask.length + " pixels, not " + h + "x" + w);
    }
    int[] sx = new int[width]; // the same source column for every row: computed once
    for (int x = 0; x < width; x++) {
      sx[x] = (int) ((long) x * w / width);
    }
    byte[] out = new byte[height * width];
    for (int y = 0; y < height; y++) {
      int row = y * width;
      int sy = (int) ((long) y * h / height);
      if (y > 0 && sy == (int) ((long) (y - 1) * h / height)) {
        System.arraycopy(out, row - width, out, row, width); // upsampling repeats source rows
        continue;
      }
      int from = sy * w;
      for (int x = 0; x < width; x++) {
        out[row + x] = mask[from + sx[x]];
      }
    }
    return out;
  }

  /**
   * An 8-bit grayscale PNG whose pixel values are the class indices. Written here rather than by
   * the JDK's PNG writer, which tries all five row filters on every row: a label mask needs
   * only the "Up" filter, which turns every row equal to the one above (most rows of an
   * upsampled mask) into zeros, and the fastest deflate level. It sits on every segmentation
   * request's path (its "render" stage in benchmarks/SERVING.md).
   */
  public static byte[] toPng(byte[] mask, int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("a PNG has at least 1x1 pixels, not " + height + "x" + width);
    }
    if (mask.length != height * width) {
      throw new IllegalArgumentException("mask has " + mask.length + " pixels, not " + height + "x" + width);
    }
    // Each scanline is a filter-type byte and the row's differences from the row above.
    byte[] scanlines = new byte[height * (width + 1)];
    scanlines[0] = PNG_FILTER_UP;
    System.arraycopy(mask, 0, scanlines, 1, width); // the row above the first is zeros
    for (int y = 1; y < height; y++) {
      int to = y * (width + 1);
      scanlines[to] = PNG_FILTER_UP;
      int row = y * width;
      if (Arrays.equals(mask, row - width, row, mask, row, row + width)) {
        continue; // a repeated row differs by zeros, which the new array already holds
      }
      for (int x = 0; x < width; x++) {
        scanlines[to + 1 + x] = (byte) (mask[row + x] - mask[row - width + x]);
      }
    }
    Deflater deflater = new Deflater(Deflater.BEST_SPEED); // zlib format, as PNG requires
    ByteArrayOutputStream idat = new ByteArrayOutputStream(scanlines.length / 64 + 64);
    try {
      deflater.setInput(scanlines);
      deflater.finish();
      byte[] buffer = new byte[64 * 1024];
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
