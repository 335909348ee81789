package org.medlora.service.testing;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.medlora.synth.SyntheticDatasets;

/** Request images made in memory: PNG (8/16-bit, gray/RGB), JPEG, broken ones, and a synthetic ultrasound. */
public final class TestImages {

  private TestImages() {}

  /** A gray PNG with a bright disc on a gradient, so masks differ across the image. */
  public static byte[] png8Gray(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = img.getRaster();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        r.setSample(x, y, 0, value(x, y, width, height, 255));
      }
    }
    return encode(img, "png");
  }

  public static byte[] png16Gray(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster r = img.getRaster();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        r.setSample(x, y, 0, value(x, y, width, height, 65535));
      }
    }
    return encode(img, "png");
  }

  public static byte[] pngRgb(int width, int height) {
    return encode(rgb(width, height), "png");
  }

  public static byte[] jpegRgb(int width, int height) {
    return encode(rgb(width, height), "jpeg");
  }

  /** The first half of a valid PNG. */
  public static byte[] truncatedPng() {
    byte[] png = png8Gray(120, 90);
    return Arrays.copyOf(png, png.length / 2);
  }

  /**
   * A decompression bomb's header: a tiny, well-formed PNG start whose IHDR claims
   * {@code width x height} pixels. Nothing beyond the header is needed to refuse it.
   */
  public static byte[] pngHeaderClaiming(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0)
        .put((byte) 0);
    ByteBuffer out = ByteBuffer.allocate(8 + 12 + 13 + 12);
    out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IEND", new byte[0]);
    return Arrays.copyOf(out.array(), out.position());
  }

  private static void chunk(ByteBuffer out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.putInt(data.length).put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.putInt((int) crc.getValue());
  }

  private static BufferedImage rgb(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int v = value(x, y, width, height, 255);
        img.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (x * 255 / width));
      }
    }
    return img;
  }

  private static int value(int x, int y, int w, int h, int max) {
    double dx = x - w / 2.0;
    double dy = y - h / 2.0;
    boolean disc = dx * dx + dy * dy < (Math.min(w, h) / 4.0) * (Math.min(w, h) / 4.0);
    double v = disc ? 0.9 : 0.3 * x / w + 0.2 * y / h;
    return (int) Math.round(v * max);
  }

  private static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A synthetic breast ultrasound with a benign lesion, as BUSI's images look: a PNG of about
   * 477x367 (synthetic ultrasound sizes vary around 448).
   */
  public static Path ultrasound() throws IOException {
    Path dir = Files.createTempDirectory("busi-");
    SyntheticDatasets.write(SyntheticDatasets.Kind.BREAST_ULTRASOUND,
        new SyntheticDatasets.Options(3, 7, 448, false), dir);
    return dir.resolve("Dataset_BUSI_with_GT/benign/benign (1).png");
  }

  /** A test resource's bytes, e.g. {@code images/cmyk.jpg}. */
  public static byte[] resource(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Width and height of a PNG or JPEG as stored, read with ImageIO (which ignores EXIF). */
  public static int[] size(byte[] png) {
    try {
      BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(png));
      return new int[] {img.getWidth(), img.getHeight()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static BufferedImage read(byte[] png) {
    try {
      return ImageIO.read(new java.io.ByteArrayInputStream(png));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
