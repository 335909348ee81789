package org.medlora.imaging;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JPEG's EXIF orientation (tag 0x0112 of the first IFD in its APP1 "Exif" segment): how its
 * stored pixels must be turned to show the image upright, as viewers that honour EXIF (browsers,
 * PACS viewers, phones) do. The decoder applies it, so the model sees the image as a person does
 * and masks, overlays and bounding boxes line up with the displayed image; a mask PNG carries no
 * EXIF, so one on the stored pixel grid would lie turned against the image in such a viewer.
 * Without the tag (as for most PACS- and DICOM-derived JPEGs), or with one that cannot be read,
 * the orientation is {@link #NORMAL}.
 *
 * <p>Constants are in the order of the EXIF values 1 to 8; "clockwise" is the turn that shows
 * the image upright.
 */
enum ExifOrientation {
  NORMAL,
  MIRROR_HORIZONTAL,
  ROTATE_180,
  MIRROR_VERTICAL,
  TRANSPOSE,
  ROTATE_90_CLOCKWISE,
  TRANSVERSE,
  ROTATE_270_CLOCKWISE;

  private static final int SOS = 0xda;
  private static final int EOI = 0xd9;
  private static final int APP1 = 0xe1;
  private static final int TAG_ORIENTATION = 0x0112;
  private static final int TYPE_SHORT = 3;
  private static final byte[] EXIF_HEADER = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);

  /** True if the displayed image is the stored one with width and height exchanged (values 5-8). */
  boolean swapsAxes() {
    return ordinal() >= TRANSPOSE.ordinal();
  }

  /** The orientation declared in a JPEG's bytes; NORMAL if none can be read. */
  static ExifOrientation of(byte[] jpeg) {
    ByteBuffer b = ByteBuffer.wrap(jpeg);
    int pos = 2; // after SOI
    // Markers up to the first scan; each segment's length counts its own two length bytes.
    while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xff) == 0xff) {
      int marker = jpeg[pos + 1] & 0xff;
      if (marker == 0xff) {
        pos++; // fill byte
        continue;
      }
      if (marker == SOS || marker == EOI) {
        break;
      }
      int length = b.getShort(pos + 2) & 0xffff;
      int data = pos + 4;
      int end = pos + 2 + length;
      if (length < 2 || end > jpeg.length) {
        break;
      }
      if (marker == APP1 && end - data > EXIF_HEADER.length
          && Arrays.equals(jpeg, data, data + EXIF_HEADER.length, EXIF_HEADER, 0,
              EXIF_HEADER.length)) {
        return fromTiff(b, data + EXIF_HEADER.length, end);
      }
      pos = end;
    }
    return NORMAL;
  }

  /** Reads the tag from the TIFF structure in {@code [tiff, end)} of {@code b}. */
  private static ExifOrientation fromTiff(ByteBuffer b, int tiff, int end) {
    if (tiff + 8 > end) {
      return NORMAL;
    }
    ByteBuffer t = b.duplicate();
    t.order(b.get(tiff) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    long ifd = tiff + (t.getInt(tiff + 4) & 0xffffffffL);
    if (ifd + 2 > end) {
      return NORMAL;
    }
    int entries = t.getShort((int) ifd) & 0xffff;
    for (int i = 0; i < entries; i++) {
      long entry = ifd + 2 + 12L * i;
      if (entry + 12 > end) {
        break;
      }
      int e = (int) entry;
      if ((t.getShort(e) & 0xffff) == TAG_ORIENTATION && (t.getShort(e + 2) & 0xffff) == TYPE_SHORT) {
        int value = t.getShort(e + 8) & 0xffff;
        return value >= 1 && value <= 8 ? values()[value - 1] : NORMAL;
      }
    }
    return NORMAL;
  }

  /** The image turned upright; {@code image} itself when nothing is to be done. */
  DecodedImage apply(DecodedImage image) {
    if (this == NORMAL) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    int outW = swapsAxes() ? h : w;
    int outH = swapsAxes() ? w : h;
    int[] from = new int[outH * outW];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        from[y * outW + x] = source(x, y, w, h);
      }
    }
    return image.remapped(outH, outW, from);
  }

  /** Index in a stored w x h plane of the pixel shown at (x, y). */
  private int source(int x, int y, int w, int h) {
    return switch (this) {
      case NORMAL -> y * w + x;
      case MIRROR_HORIZONTAL -> y * w + (w - 1 - x);
      case ROTATE_180 -> (h - 1 - y) * w + (w - 1 - x);
      case MIRROR_VERTICAL -> (h - 1 - y) * w + x;
      case TRANSPOSE -> x * w + y;
      case ROTATE_90_CLOCKWISE -> (h - 1 - x) * w + y;
      case TRANSVERSE -> (h - 1 - x) * w + (w - 1 - y);
      case ROTATE_270_CLOCKWISE -> x * w + (w - 1 - y);
    };
  }
}
