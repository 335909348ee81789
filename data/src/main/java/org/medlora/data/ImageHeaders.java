package org.medlora.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageSize;
import org.medlora.imaging.UnsupportedImageException;

/**
 * Reads an image's displayed size from its header without decoding pixels, so that a data set of
 * thousands of radiographs can be screened for unreadable files and mask size mismatches in
 * seconds. The size is the shared decoder's ({@link ImageDecoder#displayedSize}), EXIF orientation
 * included, so a mask drawn on the displayed image matches. Damage past the header is found by
 * {@link ExampleLoader}, which decodes in full.
 */
final class ImageHeaders {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

  private ImageHeaders() {}

  /** The size declared in the header of a PNG or JPEG file, as it is displayed. */
  static ImageSize read(Path file) throws DatasetException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(8);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot be read: " + e, e);
    }
    String format;
    if (startsWith(head, PNG)) {
      format = "PNG";
    } else if (startsWith(head, JPEG)) {
      format = "JPEG";
    } else if (head.length == 0) {
      throw new DatasetException(file, "is empty (0 bytes); expected a PNG or JPEG image");
    } else {
      throw new DatasetException(
          file, "is not a PNG or JPEG image (it starts with bytes " + hex(head) + ")");
    }
    ImageSize size;
    try {
      size = ImageDecoder.displayedSize(file);
    } catch (IOException | UnsupportedImageException | RuntimeException e) {
      // ImageIO plugins throw unchecked exceptions on some malformed headers.
      throw new DatasetException(file, "has a damaged " + format + " header: " + e.getMessage(), e);
    }
    if (size.width() <= 0 || size.height() <= 0) {
      throw new DatasetException(file, "declares an empty " + size + " image");
    }
    return size;
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
