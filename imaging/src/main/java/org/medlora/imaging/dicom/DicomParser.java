package org.medlora.imaging.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.imaging.UnsupportedImageException.Reason;

/**
 * Reads a DICOM Part 10 file (PS3.10 7.1): the 128-byte preamble, "DICM", the file meta group in
 * explicit VR little endian, then the data set in the transfer syntax the meta group names.
 * Pixel data stays as bytes (or JPEG fragments); {@link DicomImageDecoder} turns it into pixels.
 *
 * <p>Every length is checked against the bytes that remain, so a truncated or inconsistent file
 * is refused with {@link Reason#CORRUPT} and never read past its end. Messages name tags, never
 * values: a value may identify the patient.
 */
public final class DicomParser {

  private static final int PREAMBLE = 128;
  private static final byte[] MAGIC = "DICM".getBytes(StandardCharsets.US_ASCII);
  private static final int UNDEFINED_LENGTH = -1;
  /** Deeper nesting than any real image needs; a guard against crafted recursion. */
  private static final int MAX_DEPTH = 16;
  /**
   * Sequences read from implicit VR data sets, where a sequence with a defined length cannot be
   * told from other bytes without a dictionary: the ones {@link DicomImageDecoder} needs.
   */
  private static final Set<Integer> SEQUENCES = Set.of(Tag.MODALITY_LUT_SEQUENCE,
      Tag.VOI_LUT_SEQUENCE);

  private DicomParser() {}

  /** Whether {@code bytes} start like a Part 10 file: a preamble, then "DICM". */
  public static boolean isPart10(byte[] bytes) {
    return bytes.length >= PREAMBLE + MAGIC.length
        && Arrays.equals(bytes, PREAMBLE, PREAMBLE + MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /**
   * Parses a Part 10 file.
   *
   * @param maxInflatedBytes bound on a deflated data set once inflated (a deflate bomb stops
   *     there)
   * @throws UnsupportedImageException UNSUPPORTED_FORMAT for a transfer syntax not in
   *     {@link TransferSyntax}, CORRUPT for anything malformed
   */
  public static DicomFile parse(byte[] bytes, long maxInflatedBytes)
      throws UnsupportedImageException {
    if (!isPart10(bytes)) {
      throw corrupt("not a DICOM Part 10 file: no \"DICM\" after the 128-byte preamble; send the"
          + " file as stored (with its preamble and file meta information)");
    }
    Reader meta = new Reader(bytes, PREAMBLE + MAGIC.length, true);
    DicomObject metaGroup = new DicomObject();
    while (meta.pos + 4 <= bytes.length && meta.peekGroup() == 0x0002) {
      meta.readElement(metaGroup, 0);
    }
    String uid = metaGroup.string(Tag.TRANSFER_SYNTAX_UID).orElseThrow(() -> corrupt(
        "the file meta information has no Transfer Syntax UID " + Tag.format(Tag.TRANSFER_SYNTAX_UID)));
    TransferSyntax syntax = TransferSyntax.of(uid).orElseThrow(() -> new UnsupportedImageException(
        Reason.UNSUPPORTED_FORMAT, "DICOM transfer syntax " + TransferSyntax.describe(uid)
            + " is not supported; accepted: " + TransferSyntax.accepted()
            + " (convert with e.g. dcmtk's dcmconv +te, or dcmdjpeg)"));
    byte[] data = bytes;
    int start = meta.pos;
    if (syntax == TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) {
      data = inflate(bytes, start, maxInflatedBytes);
      start = 0;
    }
    Reader reader = new Reader(data, start, syntax.explicitVr());
    DicomObject dataset = new DicomObject();
    reader.readDataset(dataset, data.length, 0);
    return new DicomFile(syntax, dataset);
  }

  private static byte[] inflate(byte[] bytes, int start, long max)
      throws UnsupportedImageException {
    Inflater inflater = new Inflater(true);
    inflater.setInput(bytes, start, bytes.length - start);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw corrupt("the deflated data set is truncated");
        }
        out.write(buffer, 0, n);
        if (out.size() > max) {
          throw new UnsupportedImageException(Reason.TOO_LARGE, "the deflated data set inflates"
              + " to more than " + max + " bytes, above the image limits");
        }
      }
    } catch (DataFormatException e) {
      throw corrupt("the deflated data set is damaged: " + e.getMessage());
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }

  static UnsupportedImageException corrupt(String message) {
    return new UnsupportedImageException(Reason.CORRUPT, message);
  }

  /** A cursor over little endian bytes. */
  private static final class Reader {
    private final byte[] b;
    private final boolean explicit;
    private int pos;

    Reader(byte[] b, int pos, boolean explicit) {
      this.b = b;
      this.pos = pos;
      this.explicit = explicit;
    }

    int peekGroup() {
      return (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
    }

    /** Reads elements into {@code into} until {@code end}, or an item delimiter if nested. */
    void readDataset(DicomObject into, int end, int depth) throws UnsupportedImageException {
      while (pos < end) {
        if (readElement(into, depth)) {
          return;
        }
      }
    }

    /** Reads one element; true if it was an item delimiter (end of an undefined-length item). */
    boolean readElement(DicomObject into, int depth) throws UnsupportedImageException {
      int tag = tag();
      if (tag == Tag.ITEM_DELIMITATION) {
        u32("an item delimiter");
        return true;
      }
      Vr vr;
      int length;
      if (explicit) {
        need(2, tag);
        vr = Vr.of(b[pos], b[pos + 1]);
        if (vr == null) {
          throw corrupt("element " + Tag.format(tag) + " has no valid VR; the file is damaged or"
              + " its transfer syntax is not what its meta information says");
        }
        pos += 2;
        if (vr.longLength()) {
          need(6, tag);
          pos += 2;
          length = u32(Tag.format(tag));
        } else {
          need(2, tag);
          length = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
          pos += 2;
        }
      } else {
        length = u32(Tag.format(tag));
        vr = tag == Tag.PIXEL_DATA ? Vr.OW
            : SEQUENCES.contains(tag) || length == UNDEFINED_LENGTH ? Vr.SQ : Vr.UN;
      }
      if (length == UNDEFINED_LENGTH) {
        if (tag == Tag.PIXEL_DATA) {
          into.putFragments(tag, vr, fragments());
        } else if (vr == Vr.SQ || vr == Vr.UN) {
          // An undefined-length UN is a sequence in implicit VR (PS3.5 6.2.2 note).
          into.putSequence(tag, items(UNDEFINED_LENGTH, depth));
        } else {
          throw corrupt("element " + Tag.format(tag) + " has an undefined length, which only"
              + " sequences and encapsulated pixel data may have");
        }
        return false;
      }
      need(length, tag);
      if (vr == Vr.SQ) {
        into.putSequence(tag, items(length, depth));
      } else {
        into.put(tag, vr, Arrays.copyOfRange(b, pos, pos + length));
        pos += length;
      }
      return false;
    }

    private List<DicomObject> items(int length, int depth) throws UnsupportedImageException {
      if (depth >= MAX_DEPTH) {
        throw corrupt("sequences nested deeper than " + MAX_DEPTH + " levels");
      }
      int end = length == UNDEFINED_LENGTH ? b.length : pos + length;
      List<DicomObject> items = new ArrayList<>();
      while (pos < end) {
        int tag = tag();
        int itemLength = u32("a sequence item");
        if (tag == Tag.SEQUENCE_DELIMITATION) {
          return items;
        }
        if (tag != Tag.ITEM) {
          throw corrupt("a sequence holds " + Tag.format(tag) + " where an item was expected");
        }
        DicomObject item = new DicomObject();
        if (itemLength == UNDEFINED_LENGTH) {
          readDataset(item, end, depth + 1);
        } else {
          need(itemLength, Tag.ITEM);
          int itemEnd = pos + itemLength;
          readDataset(item, itemEnd, depth + 1);
          pos = itemEnd;
        }
        items.add(item);
      }
      if (length == UNDEFINED_LENGTH) {
        throw corrupt("truncated: a sequence ends without its delimiter");
      }
      return items;
    }

    /** Encapsulated pixel data (PS3.5 A.4): items of fragments, the first the offset table. */
    private List<byte[]> fragments() throws UnsupportedImageException {
      List<byte[]> fragments = new ArrayList<>();
      while (true) {
        int tag = tag();
        int length = u32("a pixel data fragment");
        if (tag == Tag.SEQUENCE_DELIMITATION) {
          return fragments;
        }
        if (tag != Tag.ITEM || length == UNDEFINED_LENGTH) {
          throw corrupt("encapsulated pixel data holds " + Tag.format(tag)
              + " where a fragment was expected");
        }
        need(length, Tag.PIXEL_DATA);
        fragments.add(Arrays.copyOfRange(b, pos, pos + length));
        pos += length;
      }
    }

    private int tag() throws UnsupportedImageException {
      if (pos + 4 > b.length) {
        throw corrupt("truncated: the file ends inside an element's header");
      }
      int group = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
      int element = (b[pos + 2] & 0xff) | (b[pos + 3] & 0xff) << 8;
      pos += 4;
      return group << 16 | element;
    }

    private int u32(String what) throws UnsupportedImageException {
      if (pos + 4 > b.length) {
        throw corrupt("truncated: the file ends inside the length of " + what);
      }
      int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16
          | (b[pos + 3] & 0xff) << 24;
      pos += 4;
      if (v < 0 && v != UNDEFINED_LENGTH) {
        throw corrupt(what + " declares a length above 2 GiB");
      }
      return v;
    }

    private void need(int length, int tag) throws UnsupportedImageException {
      if (length > b.length - pos) {
        throw corrupt("truncated or inconsistent: element " + Tag.format(tag) + " declares "
            + length + " bytes but only " + (b.length - pos) + " remain");
      }
    }
  }
}
