package org.medlora.imaging.dicom;

import org.medlora.imaging.UnsupportedImageException;

/**
 * Checks a JPEG 2000 codestream's image and tile size (its SIZ marker segment, ITU-T T.800
 * A.5.1) against the DICOM header before JJ2000 sees it: JJ2000 sets up every tile while it reads
 * the header, so a damaged SIZ that declares a huge canvas or millions of tiles exhausts the heap
 * before any size could be compared (found by mutating test codestreams).
 */
final class Jpeg2000Header {

  /** T.800 numbers tiles with 16 bits (Isot, 0 to 65534). */
  private static final long MAX_TILES = 65535;

  private Jpeg2000Header() {}

  /**
   * @throws UnsupportedImageException CORRUPT if the codestream has no SIZ after its SOC, or
   *     declares another size or component count than the DICOM header, or an impossible tiling
   */
  static void check(byte[] data, int columns, int rows, int samples)
      throws UnsupportedImageException {
    // A raw codestream starts with SOC and SIZ; some writers wrap it in JP2 boxes first.
    int soc = -1;
    for (int i = 0; i + 3 < data.length && soc < 0; i++) {
      if ((data[i] & 0xFF) == 0xFF && data[i + 1] == 0x4F && (data[i + 2] & 0xFF) == 0xFF
          && data[i + 3] == 0x51) {
        soc = i;
      }
    }
    int siz = soc + 8; // Xsiz: after SOC, the SIZ marker, its length and Rsiz
    if (soc < 0 || siz + 34 > data.length) {
      throw DicomParser.corrupt("the JPEG 2000 data has no codestream header (SOC and SIZ)");
    }
    long width = u32(data, siz) - u32(data, siz + 8);
    long height = u32(data, siz + 4) - u32(data, siz + 12);
    long tileWidth = u32(data, siz + 16);
    long tileHeight = u32(data, siz + 20);
    long tileX = u32(data, siz + 24);
    long tileY = u32(data, siz + 28);
    int components = (data[siz + 32] & 0xFF) << 8 | data[siz + 33] & 0xFF;
    if (width != columns || height != rows || components != samples) {
      throw DicomParser.corrupt("the JPEG 2000 codestream declares " + width + "x" + height
          + " with " + components + " component(s), but the DICOM header says " + columns + "x"
          + rows + " with " + samples);
    }
    // T.800 A.5.1: the first tile must cover the image's first pixel.
    boolean tilingValid = tileWidth > 0 && tileHeight > 0
        && tileX <= u32(data, siz + 8) && tileY <= u32(data, siz + 12)
        && tileX + tileWidth > u32(data, siz + 8) && tileY + tileHeight > u32(data, siz + 12);
    long across = tilingValid ? tiles(u32(data, siz), tileX, tileWidth) : 0;
    long down = tilingValid ? tiles(u32(data, siz + 4), tileY, tileHeight) : 0;
    if (!tilingValid || across > MAX_TILES || down > MAX_TILES || across * down > MAX_TILES) {
      throw DicomParser.corrupt("the JPEG 2000 codestream declares an impossible tiling");
    }
  }

  private static long tiles(long end, long origin, long size) {
    return (end - origin + size - 1) / size;
  }

  private static long u32(byte[] b, int o) {
    return (b[o] & 0xFFL) << 24 | (b[o + 1] & 0xFFL) << 16 | (b[o + 2] & 0xFFL) << 8
        | b[o + 3] & 0xFFL;
  }
}
