package org.medlora.imaging.dicom;

import java.util.Map;
import java.util.Optional;

/** The transfer syntaxes that hospitals use for CR, DX and US and that medlora decodes. */
public enum TransferSyntax {
  IMPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2", "Implicit VR Little Endian", false),
  EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1", "Explicit VR Little Endian", false),
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1.99",
      "Deflated Explicit VR Little Endian", false),
  JPEG_BASELINE("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true),
  /**
   * 8-bit through TwelveMonkeys like Baseline; 12-bit through {@link DctJpegDecoder}, as no
   * JPEG reader on Maven Central decodes 12-bit DCT.
   */
  JPEG_EXTENDED("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true),
  JPEG_LOSSLESS("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true),
  JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70", "JPEG Lossless, First-Order Prediction (SV1)",
      true),
  JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless", true),
  JPEG_2000("1.2.840.10008.1.2.4.91", "JPEG 2000", true);

  /** Syntaxes people send that are refused, named so that the 415 says what arrived. */
  private static final Map<String, String> REFUSED = Map.of(
      "1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)",
      "1.2.840.10008.1.2.4.80", "JPEG-LS Lossless",
      "1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless",
      "1.2.840.10008.1.2.5", "RLE Lossless",
      "1.2.840.10008.1.2.4.100", "MPEG2",
      "1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264");

  private final String uid;
  private final String title;
  private final boolean jpeg;

  TransferSyntax(String uid, String title, boolean jpeg) {
    this.uid = uid;
    this.title = title;
    this.jpeg = jpeg;
  }

  public String uid() {
    return uid;
  }

  public boolean explicitVr() {
    return this != IMPLICIT_VR_LITTLE_ENDIAN;
  }

  /** Whether pixel data is encapsulated as JPEG or JPEG 2000 fragments. */
  public boolean jpeg() {
    return jpeg;
  }

  public static Optional<TransferSyntax> of(String uid) {
    for (TransferSyntax ts : values()) {
      if (ts.uid.equals(uid)) {
        return Optional.of(ts);
      }
    }
    return Optional.empty();
  }

  /** A transfer syntax UID with its name where known (UIDs of transfer syntaxes are public). */
  static String describe(String uid) {
    if (!uid.matches("[0-9.]{1,64}")) {
      return "a malformed transfer syntax UID";
    }
    Optional<TransferSyntax> ts = of(uid);
    String name = ts.map(t -> t.title).orElse(REFUSED.get(uid));
    return name == null ? uid : name + " (" + uid + ")";
  }

  /** The accepted list, for messages. */
  static String accepted() {
    StringBuilder s = new StringBuilder();
    for (TransferSyntax ts : values()) {
      s.append(s.isEmpty() ? "" : ", ").append(ts.title);
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return title + " (" + uid + ")";
  }
}
