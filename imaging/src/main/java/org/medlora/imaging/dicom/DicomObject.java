package org.medlora.imaging.dicom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A DICOM data set: elements by tag, in tag order. Values are kept as their encoded bytes (little
 * endian) and read by the type the caller knows the tag to have, so that data sets read with
 * implicit VR, whose VRs are unknown, read the same as explicit ones.
 *
 * <p>Values are never put into messages or logs: they may name the patient.
 */
public final class DicomObject {

  /**
   * One element: a value, a sequence's items, or encapsulated pixel data's fragments (the basic
   * offset table first).
   */
  record Element(Vr vr, byte[] value, List<DicomObject> items, List<byte[]> fragments) {}

  private final Map<Integer, Element> elements = new TreeMap<>(Integer::compareUnsigned);

  public boolean contains(int tag) {
    return elements.containsKey(tag);
  }

  Element element(int tag) {
    return elements.get(tag);
  }

  Map<Integer, Element> elements() {
    return Collections.unmodifiableMap(elements);
  }

  /** The first value of a text element, without padding; empty if absent or empty. */
  public Optional<String> string(int tag) {
    String[] all = strings(tag);
    return all.length == 0 || all[0].isEmpty() ? Optional.empty() : Optional.of(all[0]);
  }

  /** The backslash-separated values of a text element, without padding. */
  public String[] strings(int tag) {
    Element e = elements.get(tag);
    if (e == null || e.value() == null || e.value().length == 0) {
      return new String[0];
    }
    String s = new String(e.value(), StandardCharsets.ISO_8859_1);
    String[] parts = s.split("\\\\", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = parts[i].replace("\0", "").strip();
    }
    return parts;
  }

  /** The first value of a decimal (DS) or integer (IS) string element. */
  public OptionalDouble decimal(int tag) throws NumberFormatException {
    Optional<String> s = string(tag);
    return s.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(s.get()));
  }

  /** The first value of an unsigned 16-bit (US) element. */
  public OptionalInt unsignedShort(int tag) {
    int[] all = unsignedShorts(tag);
    return all.length == 0 ? OptionalInt.empty() : OptionalInt.of(all[0]);
  }

  /** The values of a 16-bit (US, SS, OW) element, read as unsigned. */
  public int[] unsignedShorts(int tag) {
    Element e = elements.get(tag);
    if (e == null || e.value() == null) {
      return new int[0];
    }
    byte[] b = e.value();
    int[] out = new int[b.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (b[2 * i] & 0xff) | (b[2 * i + 1] & 0xff) << 8;
    }
    return out;
  }

  /** The value bytes of an element, or null if absent. */
  public byte[] bytes(int tag) {
    Element e = elements.get(tag);
    return e == null ? null : e.value();
  }

  /** A sequence's items; empty if absent. */
  public List<DicomObject> sequence(int tag) {
    Element e = elements.get(tag);
    return e == null || e.items() == null ? List.of() : e.items();
  }

  /** Encapsulated pixel data's fragments, the basic offset table first; null if native. */
  List<byte[]> fragments(int tag) {
    Element e = elements.get(tag);
    return e == null ? null : e.fragments();
  }

  // ---- building ----

  public DicomObject put(int tag, Vr vr, byte[] value) {
    elements.put(tag, new Element(vr, value, null, null));
    return this;
  }

  /** Text values, joined with backslashes; ASCII is all this project writes itself. */
  public DicomObject putString(int tag, Vr vr, String... values) {
    return put(tag, vr, String.join("\\", values).getBytes(StandardCharsets.US_ASCII));
  }

  public DicomObject putUnsignedShort(int tag, int... values) {
    byte[] b = new byte[2 * values.length];
    for (int i = 0; i < values.length; i++) {
      b[2 * i] = (byte) values[i];
      b[2 * i + 1] = (byte) (values[i] >>> 8);
    }
    return put(tag, Vr.US, b);
  }

  public DicomObject putUnsignedLong(int tag, long... values) {
    byte[] b = new byte[4 * values.length];
    for (int i = 0; i < values.length; i++) {
      for (int k = 0; k < 4; k++) {
        b[4 * i + k] = (byte) (values[i] >>> (8 * k));
      }
    }
    return put(tag, Vr.UL, b);
  }

  public DicomObject putSequence(int tag, DicomObject... items) {
    elements.put(tag, new Element(Vr.SQ, null, List.of(items), null));
    return this;
  }

  void putSequence(int tag, List<DicomObject> items) {
    elements.put(tag, new Element(Vr.SQ, null, List.copyOf(items), null));
  }

  void putFragments(int tag, Vr vr, List<byte[]> fragments) {
    elements.put(tag, new Element(vr, null, null, new ArrayList<>(fragments)));
  }

  /**
   * Copies an element's encoded value from {@code source} under the VR the caller names (a data
   * set read with implicit VR does not know it), or writes it empty if the source lacks it.
   */
  public DicomObject copy(DicomObject source, int tag, Vr vr) {
    return copy(source, tag, tag, vr);
  }

  /** As {@link #copy(DicomObject, int, Vr)}, to another tag (a UID into a reference, say). */
  public DicomObject copy(DicomObject source, int fromTag, int toTag, Vr vr) {
    byte[] value = source.bytes(fromTag);
    return put(toTag, vr, value == null ? new byte[0] : value);
  }
}
