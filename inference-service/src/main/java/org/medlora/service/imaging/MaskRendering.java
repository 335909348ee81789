package org.medlora.service.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.medlora.imaging.ClassColours;
import org.medlora.imaging.DecodedImage;

/** What a segmentation mask at the image's resolution is turned into for a response. */
public final class MaskRendering {

  private MaskRendering() {}

  /** A bounding box in pixels of the input image, origin top-left. */
  public record Box(int x, int y, int width, int height) {}

  /** Pixel count, share of the image and bounding box of one class (box null when absent). */
  public record ClassArea(int index, String name, long pixels, double fraction, Box bbox) {}

  /** Per-class areas and boxes of a (height, width) mask, every class listed, in class order. */
  public static List<ClassArea> areas(byte[] mask, int height, int width, List<String> classes) {
    int n = classes.size();
    long[] count = new long[n];
    int[] minX = new int[n];
    int[] minY = new int[n];
    int[] maxX = new int[n];
    int[] maxY = new int[n];
    java.util.Arrays.fill(minX, Integer.MAX_VALUE);
    java.util.Arrays.fill(minY, Integer.MAX_VALUE);
    java.util.Arrays.fill(maxX, -1);
    java.util.Arrays.fill(maxY, -1);
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        int c = mask[row + x] & 0xff;
        if (c >= n) {
          continue; // cannot happen with a checked model; never index out of range
        }
        count[c]++;
        if (x < minX[c]) {
          minX[c] = x;
        }
        if (x > maxX[c]) {
          maxX[c] = x;
        }
        if (y < minY[c]) {
          minY[c] = y;
        }
        maxY[c] = y;
      }
    }
    double total = (double) height * width;
    List<ClassArea> out = new ArrayList<>(n);
    for (int c = 0; c < n; c++) {
      Box box = count[c] == 0 ? null
          : new Box(minX[c], minY[c], maxX[c] - minX[c] + 1, maxY[c] - minY[c] + 1);
      out.add(new ClassArea(c, classes.get(c), count[c], count[c] / total, box));
    }
    return out;
  }

  /**
   * The image as 8-bit RGB with each non-background class blended in its colour, as PNG. The
   * mask must have the image's size.
   */
  public static byte[] overlayPng(DecodedImage image, byte[] mask) {
    int h = image.height();
    int w = image.width();
    if (mask.length != h * w) {
      throw new IllegalArgumentException("mask has " + mask.length + " pixels, the image " + h + "x" + w);
    }
    float[] samples = image.samples(); // on the 0..255 scale, CHW
    int plane = h * w;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    boolean gray = image.channels() == 1;
    for (int i = 0; i < plane; i++) {
      float r = samples[i];
      float g = gray ? r : samples[plane + i];
      float b = gray ? r : samples[2 * plane + i];
      int c = mask[i] & 0xff;
      if (c > 0) {
        int colour = ClassColours.rgb(c);
        r = ClassColours.blend(r, colour >> 16 & 0xff);
        g = ClassColours.blend(g, colour >> 8 & 0xff);
        b = ClassColours.blend(b, colour & 0xff);
      }
      bgr[3 * i] = (byte) Math.round(b);
      bgr[3 * i + 1] = (byte) Math.round(g);
      bgr[3 * i + 2] = (byte) Math.round(r);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(out, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed in memory", e);
    }
    return png.toByteArray();
  }
}
