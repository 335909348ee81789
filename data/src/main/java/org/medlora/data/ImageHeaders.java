package org.medlora.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image's size from its header without decoding pixels, so that a data set of
 * thousands of radiographs can be screened for unreadable files and mask size mismatches in
 * seconds. Damage past the header is found by {@link ExampleLoader}, which decodes in full.
 */
final class ImageHeaders {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

  private ImageHeaders() {}

  /** Width and height in pixels. */
  record Size(int width, int height) {
    @Override
    public String toString() {
      return width + "x" + height;
    }
  }

  /** The size declared in the header of a PNG or JPEG file. */
  static Size read(Path file) throws DatasetException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(8);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot be read: " + e, e);
    }
    String format;
    if (startsWith(head, PNG)) {
      format = "png";
    } else if (startsWith(head, JPEG)) {
      format = "jpeg";
    } else if (head.length == 0) {
      throw new DatasetException(file, "is empty (0 bytes); expected a PNG or JPEG image");
    } else {
      throw new DatasetException(
          file, "is not a PNG or JPEG image (it starts with bytes " + hex(head) + ")");
    }
    ImageReader reader = jdkReader(format);
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width <= 0 || height <= 0) {
        throw new DatasetException(file, "declares an empty " + width + "x" + height + " image");
      }
      return new Size(width, height);
    } catch (IOException | RuntimeException e) {
      // ImageIO plugins throw unchecked exceptions on some malformed headers.
      throw new DatasetException(file, "has a damaged " + (format.equals("png") ? "PNG" : "JPEG") + " header: " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
  }

  /** The JDK's own reader, as {@code ImageDecoder} uses, so a plugin cannot change the verdict. */
  private static ImageReader jdkReader(String format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      if ("java.desktop".equals(reader.getOriginatingProvider().getClass().getModule().getName())) {
        return reader;
      }
      reader.dispose();
    }
    throw new IllegalStateException("the JDK's built-in " + format + " reader is missing");
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) {
      b.append(b.length() == 0 ? "" : " ").append(String.format("%02x", x & 0xff));
    }
    return b.toString();
  }
}
