package org.medlora.imaging.dicom;

import java.util.List;
import java.util.Optional;
import org.medlora.imaging.UnsupportedImageException;

/**
 * A Modality or VOI lookup table (PS3.3 C.11.1 and C.11.2): inputs below the first mapped value
 * take the first entry, inputs past the end the last.
 *
 * @param firstMapped the input value of entry 0
 * @param bits bits per entry, so entries lie in {@code 0 .. 2^bits - 1}
 * @param entries the table
 */
record Lut(int firstMapped, int bits, int[] entries) {

  /** The first item of a LUT sequence, if the data set has one. */
  static Optional<Lut> first(DicomObject ds, int sequenceTag, boolean signedInput)
      throws UnsupportedImageException {
    List<DicomObject> items = ds.sequence(sequenceTag);
    if (items.isEmpty()) {
      return Optional.empty();
    }
    DicomObject item = items.get(0);
    int[] descriptor = item.unsignedShorts(Tag.LUT_DESCRIPTOR);
    byte[] data = item.bytes(Tag.LUT_DATA);
    if (descriptor.length != 3 || data == null) {
      throw DicomParser.corrupt("the first item of " + Tag.format(sequenceTag)
          + " lacks a three-valued LUT Descriptor or LUT Data");
    }
    int count = descriptor[0] == 0 ? 65536 : descriptor[0];
    // The first mapped value is SS when the LUT's input can be negative.
    DicomObject.Element d = item.element(Tag.LUT_DESCRIPTOR);
    boolean signed = d.vr() == Vr.SS || (d.vr() != Vr.US && signedInput);
    int first = signed ? (short) descriptor[1] : descriptor[1];
    int bits = descriptor[2];
    if (bits < 1 || bits > 16) {
      throw DicomParser.corrupt("LUT Descriptor in " + Tag.format(sequenceTag) + " gives " + bits
          + " bits per entry; 1 to 16 are valid");
    }
    int[] entries = new int[count];
    if (bits <= 8 && data.length == count) {
      // 8-bit entries packed one per byte (seen in the wild, though PS3.3 asks for words).
      for (int i = 0; i < count; i++) {
        entries[i] = data[i] & 0xff;
      }
    } else if (data.length >= 2 * count) {
      int[] words = item.unsignedShorts(Tag.LUT_DATA);
      System.arraycopy(words, 0, entries, 0, count);
    } else {
      throw DicomParser.corrupt("LUT Data in " + Tag.format(sequenceTag) + " holds "
          + data.length + " bytes for " + count + " entries");
    }
    return Optional.of(new Lut(first, bits, entries));
  }

  double apply(double x) {
    long index = (long) Math.floor(x) - firstMapped;
    return entries[(int) Math.max(0, Math.min(entries.length - 1, index))];
  }
}
