package org.medlora.imaging.dicom;

import java.util.Arrays;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.imaging.UnsupportedImageException.Reason;

/**
 * A decoder for grayscale sequential DCT JPEG with Huffman coding (ITU-T T.81 processes 1, 2 and
 * 4: SOF0 and SOF1) of 8- or 12-bit samples, with restart intervals. It exists for DICOM's 12-bit
 * JPEG Extended, which neither the JDK's nor TwelveMonkeys' JPEG reader decodes and for which no
 * decoder is on Maven Central.
 *
 * <p>The inverse DCT is IJG libjpeg's accurate integer one ({@code jidctint.c}, "islow"), which
 * dcmtk's 8- and 12-bit JPEG codecs use by default: samples equal dcmtk's {@code dcmdjpeg} exactly
 * for well-formed streams.
 *
 * <p>Every read is bounds-checked: a damaged stream is refused as CORRUPT with what was wrong;
 * progressive, arithmetic-coded, lossless, hierarchical and multi-component streams as
 * UNSUPPORTED_FORMAT.
 */
final class DctJpegDecoder {

  /** Zig-zag position k to natural (row-major) index in an 8x8 block (T.81 Figure A.6). */
  private static final int[] NATURAL = {
      0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
      12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
      35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
      58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

  private final byte[] data;
  private final int expectedColumns;
  private final int expectedRows;
  private int position;
  private final int[][] quantization = new int[4][];
  private final Huffman[] dcTables = new Huffman[4];
  private final Huffman[] acTables = new Huffman[4];
  private int restartInterval;
  private int precision;
  private int columns;
  private int rows;
  private int quantTable;

  private DctJpegDecoder(byte[] data, int expectedColumns, int expectedRows) {
    this.data = data;
    this.expectedColumns = expectedColumns;
    this.expectedRows = expectedRows;
  }

  /**
   * The samples of a one-component JPEG, row by row.
   *
   * @param columns and {@code rows}: what the container declares (and has checked against the
   *     limits); a frame header that declares another size is refused before any allocation
   */
  static int[] decode(byte[] jpeg, int columns, int rows) throws UnsupportedImageException {
    return new DctJpegDecoder(jpeg, columns, rows).decode();
  }

  private int[] decode() throws UnsupportedImageException {
    if (u8() != 0xFF || u8() != 0xD8) {
      throw corrupt("the JPEG stream does not start with an SOI marker");
    }
    while (true) {
      int marker = nextMarker();
      switch (marker) {
        case 0xC0, 0xC1 -> frameHeader();
        case 0xC4 -> huffmanTables();
        case 0xDB -> quantizationTables();
        case 0xDD -> restartDefinition();
        case 0xDA -> {
          return scan();
        }
        case 0xD9 -> throw corrupt("the JPEG stream ends before its scan");
        default -> {
          if (marker >= 0xC2 && marker <= 0xCF && marker != 0xC8) {
            throw new UnsupportedImageException(Reason.UNSUPPORTED_FORMAT, String.format(
                "the JPEG stream is of a kind not decoded here (frame marker %02X); 12-bit"
                    + " JPEG is decoded when sequential with Huffman coding (SOF0, SOF1)",
                marker));
          }
          skipSegment();
        }
      }
    }
  }

  // ---- marker segments (T.81 B.2) ----

  private void frameHeader() throws UnsupportedImageException {
    int end = segmentEnd();
    precision = u8();
    rows = u16();
    columns = u16();
    int components = u8();
    if (precision != 8 && precision != 12) {
      throw corrupt("the JPEG frame declares " + precision + "-bit samples; DCT JPEG has 8 or 12");
    }
    if (components != 1) {
      throw new UnsupportedImageException(Reason.UNSUPPORTED_FORMAT, "the JPEG has "
          + components + " components; only grayscale (1 component) is decoded");
    }
    if (columns != expectedColumns || rows != expectedRows) {
      throw corrupt("the JPEG frame header declares " + columns + "x" + rows + ", but the DICOM"
          + " header says " + expectedColumns + "x" + expectedRows);
    }
    u8(); // component identifier: one component, so the scan can only name this one
    u8(); // sampling factors: irrelevant with one component (T.81 A.2.2)
    quantTable = u8();
    if (quantTable > 3) {
      throw corrupt("the JPEG frame names quantization table " + quantTable + " (0 to 3)");
    }
    expectEnd(end, "frame header");
  }

  private void quantizationTables() throws UnsupportedImageException {
    int end = segmentEnd();
    while (position < end) {
      int pqTq = u8();
      int sixteenBit = pqTq >> 4;
      int id = pqTq & 15;
      if (sixteenBit > 1 || id > 3) {
        throw corrupt("malformed JPEG quantization table (Pq/Tq byte " + pqTq + ")");
      }
      int[] table = new int[64];
      for (int k = 0; k < 64; k++) {
        table[NATURAL[k]] = sixteenBit == 1 ? u16() : u8();
      }
      quantization[id] = table;
    }
    expectEnd(end, "quantization table");
  }

  private void huffmanTables() throws UnsupportedImageException {
    int end = segmentEnd();
    while (position < end) {
      int tcTh = u8();
      int tableClass = tcTh >> 4;
      int id = tcTh & 15;
      if (tableClass > 1 || id > 3) {
        throw corrupt("malformed JPEG Huffman table (Tc/Th byte " + tcTh + ")");
      }
      int[] counts = new int[17];
      int total = 0;
      for (int length = 1; length <= 16; length++) {
        counts[length] = u8();
        total += counts[length];
      }
      if (total > 256) {
        throw corrupt("a JPEG Huffman table declares " + total + " codes (at most 256)");
      }
      int[] values = new int[total];
      for (int i = 0; i < total; i++) {
        values[i] = u8();
      }
      (tableClass == 0 ? dcTables : acTables)[id] = new Huffman(counts, values);
    }
    expectEnd(end, "Huffman table");
  }

  private void restartDefinition() throws UnsupportedImageException {
    int end = segmentEnd();
    restartInterval = u16();
    expectEnd(end, "restart interval");
  }

  private void skipSegment() throws UnsupportedImageException {
    position = segmentEnd();
  }

  // ---- the scan (T.81 F.2) ----

  private int[] scan() throws UnsupportedImageException {
    int end = segmentEnd();
    if (precision == 0) {
      throw corrupt("the JPEG scan comes before a frame header");
    }
    if (u8() != 1) {
      throw corrupt("the JPEG scan must name the one component of the frame");
    }
    u8(); // component selector
    int tdTa = u8();
    if (tdTa >> 4 > 3 || (tdTa & 15) > 3) {
      throw corrupt("the JPEG scan names Huffman tables " + (tdTa >> 4) + " and " + (tdTa & 15)
          + " (0 to 3)");
    }
    Huffman dc = dcTables[tdTa >> 4];
    Huffman ac = acTables[tdTa & 15];
    int spectralStart = u8();
    int spectralEnd = u8();
    int approximation = u8();
    expectEnd(end, "scan header");
    if (spectralStart != 0 || spectralEnd != 63 || approximation != 0) {
      throw corrupt("the sequential JPEG scan is not a full spectral scan");
    }
    int[] q = quantization[quantTable];
    if (dc == null || ac == null || q == null) {
      throw corrupt("the JPEG scan uses a Huffman or quantization table that was not defined");
    }

    int blocksAcross = (columns + 7) / 8;
    int blocksDown = (rows + 7) / 8;
    int[] samples = new int[columns * rows];
    int[] coefficients = new int[64];
    int[] block = new int[64];
    BitReader bits = new BitReader();
    int predictor = 0;
    int blocks = blocksAcross * blocksDown;
    for (int b = 0; b < blocks; b++) {
      if (restartInterval > 0 && b > 0 && b % restartInterval == 0) {
        bits.restart((b / restartInterval - 1) & 7);
        predictor = 0;
      }
      Arrays.fill(coefficients, 0);
      predictor += bits.receiveExtend(bits.decode(dc));
      coefficients[0] = predictor * q[0];
      for (int k = 1; k < 64; k++) {
        int rs = bits.decode(ac);
        int run = rs >> 4;
        int size = rs & 15;
        if (size == 0) {
          if (run != 15) {
            break; // end of block
          }
          k += 15;
          continue;
        }
        k += run;
        if (k > 63) {
          throw corrupt("damaged JPEG data: a coefficient run passes the end of a block");
        }
        coefficients[NATURAL[k]] = bits.receiveExtend(size) * q[NATURAL[k]];
      }
      IslowIdct.transform(coefficients, block, precision);
      int x0 = (b % blocksAcross) * 8;
      int y0 = (b / blocksAcross) * 8;
      for (int y = 0; y < 8 && y0 + y < rows; y++) {
        for (int x = 0; x < 8 && x0 + x < columns; x++) {
          samples[(y0 + y) * columns + x0 + x] = block[y * 8 + x];
        }
      }
    }
    return samples;
  }

  /** The Huffman decoding tables of T.81 F.2.2.3 (MAXCODE, VALPTR, MINCODE). */
  private static final class Huffman {
    final int[] maxCode = new int[18];
    final int[] valuePointer = new int[17];
    final int[] minCode = new int[17];
    final int[] values;

    Huffman(int[] counts, int[] values) throws UnsupportedImageException {
      this.values = values;
      int code = 0;
      int k = 0;
      for (int length = 1; length <= 16; length++) {
        valuePointer[length] = k;
        minCode[length] = code;
        code += counts[length];
        k += counts[length];
        maxCode[length] = counts[length] == 0 ? -1 : code - 1;
        if (code > 1 << length) {
          throw corrupt("a JPEG Huffman table has more codes of length " + length
              + " than fit");
        }
        code <<= 1;
      }
      maxCode[17] = Integer.MAX_VALUE; // a sentinel: no code is longer than 16 bits
    }
  }

  /** Bits of the entropy-coded segment, with stuffed zero bytes removed (T.81 F.2.2.5). */
  private final class BitReader {
    private int buffer;
    private int count;

    int bit() throws UnsupportedImageException {
      if (count == 0) {
        if (position >= data.length) {
          throw corrupt("the JPEG data is truncated");
        }
        buffer = data[position++] & 0xFF;
        if (buffer == 0xFF) {
          int next = position < data.length ? data[position] & 0xFF : -1;
          if (next != 0) {
            throw corrupt("damaged JPEG data: a marker inside the entropy-coded data");
          }
          position++;
        }
        count = 8;
      }
      count--;
      return buffer >> count & 1;
    }

    int bits(int n) throws UnsupportedImageException {
      int v = 0;
      for (int i = 0; i < n; i++) {
        v = v << 1 | bit();
      }
      return v;
    }

    /** DECODE of T.81 F.2.2.3. */
    int decode(Huffman h) throws UnsupportedImageException {
      int code = bit();
      int length = 1;
      while (code > h.maxCode[length]) {
        code = code << 1 | bit();
        length++;
        if (length > 16) {
          throw corrupt("damaged JPEG data: no Huffman code matches");
        }
      }
      return h.values[h.valuePointer[length] + code - h.minCode[length]];
    }

    /** RECEIVE and EXTEND of T.81 F.2.2.1 and F.2.2.4. */
    int receiveExtend(int size) throws UnsupportedImageException {
      if (size == 0) {
        return 0;
      }
      if (size > 16) {
        throw corrupt("damaged JPEG data: a coefficient of " + size + " bits");
      }
      int v = bits(size);
      return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
    }

    /** Skips the fill bits and the expected RSTn marker, and starts afresh. */
    void restart(int n) throws UnsupportedImageException {
      count = 0;
      if (position + 1 >= data.length || (data[position] & 0xFF) != 0xFF
          || (data[position + 1] & 0xFF) != 0xD0 + n) {
        throw corrupt("damaged JPEG data: restart marker " + n + " is missing");
      }
      position += 2;
    }
  }

  // ---- bytes ----

  private int nextMarker() throws UnsupportedImageException {
    if (u8() != 0xFF) {
      throw corrupt("damaged JPEG stream: expected a marker at byte " + (position - 1));
    }
    int marker = u8();
    while (marker == 0xFF) { // fill bytes before a marker (T.81 B.1.1.2)
      marker = u8();
    }
    return marker;
  }

  /** Reads a segment's length; the position where it ends. */
  private int segmentEnd() throws UnsupportedImageException {
    int start = position;
    int length = u16();
    if (length < 2 || start + length > data.length) {
      throw corrupt("the JPEG stream is truncated or a segment length is wrong");
    }
    return start + length;
  }

  private void expectEnd(int end, String segment) throws UnsupportedImageException {
    if (position != end) {
      throw corrupt("the JPEG " + segment + " segment's length does not match its content");
    }
  }

  private int u8() throws UnsupportedImageException {
    if (position >= data.length) {
      throw corrupt("the JPEG stream is truncated");
    }
    return data[position++] & 0xFF;
  }

  private int u16() throws UnsupportedImageException {
    return u8() << 8 | u8();
  }

  private static UnsupportedImageException corrupt(String message) {
    return DicomParser.corrupt(message);
  }
}
