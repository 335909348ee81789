package org.medlora.imaging.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a data set as a DICOM Part 10 file in Explicit VR Little Endian: preamble, "DICM", the
 * file meta group (its SOP class and instance taken from the data set), then the data set.
 * Sequences and items are written with undefined length, values padded to even length.
 */
public final class DicomWriter {

  /** Names this writer in every file's meta information (a UUID-derived UID, PS3.5 B.2). */
  public static final String IMPLEMENTATION_CLASS_UID =
      "2.25.6277928285881278105142494768901895436";
  private static final String IMPLEMENTATION_VERSION = "MEDLORA";

  private DicomWriter() {}

  public static byte[] write(DicomObject dataset) {
    DicomObject meta = new DicomObject()
        .put(Tag.FILE_META_VERSION, Vr.OB, new byte[] {0, 1})
        .put(Tag.MEDIA_STORAGE_SOP_CLASS_UID, Vr.UI, dataset.bytes(Tag.SOP_CLASS_UID))
        .put(Tag.MEDIA_STORAGE_SOP_INSTANCE_UID, Vr.UI, dataset.bytes(Tag.SOP_INSTANCE_UID))
        .putString(Tag.TRANSFER_SYNTAX_UID, Vr.UI, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid())
        .putString(Tag.IMPLEMENTATION_CLASS_UID, Vr.UI, IMPLEMENTATION_CLASS_UID)
        .putString(Tag.IMPLEMENTATION_VERSION_NAME, Vr.SH, IMPLEMENTATION_VERSION);
    ByteArrayOutputStream metaBytes = new ByteArrayOutputStream();
    writeDataset(meta, metaBytes);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[128]);
    out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream groupLength = new ByteArrayOutputStream();
    writeElement(Tag.FILE_META_GROUP_LENGTH, Vr.UL, le32(metaBytes.size()), groupLength);
    out.writeBytes(groupLength.toByteArray());
    out.writeBytes(metaBytes.toByteArray());
    writeDataset(dataset, out);
    return out.toByteArray();
  }

  private static void writeDataset(DicomObject dataset, ByteArrayOutputStream out) {
    for (Map.Entry<Integer, DicomObject.Element> e : dataset.elements().entrySet()) {
      int tag = e.getKey();
      DicomObject.Element element = e.getValue();
      if (element.items() != null) {
        header(tag, Vr.SQ, -1, out);
        for (DicomObject item : element.items()) {
          out.writeBytes(le16(Tag.ITEM >>> 16));
          out.writeBytes(le16(Tag.ITEM & 0xffff));
          out.writeBytes(le32(-1));
          writeDataset(item, out);
          out.writeBytes(le16(Tag.ITEM_DELIMITATION >>> 16));
          out.writeBytes(le16(Tag.ITEM_DELIMITATION & 0xffff));
          out.writeBytes(le32(0));
        }
        out.writeBytes(le16(Tag.SEQUENCE_DELIMITATION >>> 16));
        out.writeBytes(le16(Tag.SEQUENCE_DELIMITATION & 0xffff));
        out.writeBytes(le32(0));
      } else if (element.fragments() != null) {
        throw new IllegalArgumentException("writing encapsulated pixel data is not supported");
      } else {
        writeElement(tag, element.vr(), element.value(), out);
      }
    }
  }

  private static void writeElement(int tag, Vr vr, byte[] value, ByteArrayOutputStream out) {
    int padded = value.length + (value.length & 1);
    header(tag, vr, padded, out);
    out.writeBytes(value);
    if (padded != value.length) {
      out.write(vr.padding());
    }
  }

  private static void header(int tag, Vr vr, int length, ByteArrayOutputStream out) {
    out.writeBytes(le16(tag >>> 16));
    out.writeBytes(le16(tag & 0xffff));
    out.writeBytes(vr.name().getBytes(StandardCharsets.US_ASCII));
    if (vr.longLength()) {
      out.writeBytes(new byte[2]);
      out.writeBytes(le32(length));
    } else {
      out.writeBytes(le16(length));
    }
  }

  private static byte[] le16(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8)};
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }
}
