package org.medlora.imaging.dicom;

/**
 * DICOM value representations (PS3.5 6.2). In explicit VR encodings, the long ones carry a
 * 4-byte length after two reserved bytes, the others a 2-byte length.
 */
public enum Vr {
  AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, PN, SH, SL, SS, ST, TM, UI, UL, US,
  OB(true), OD(true), OF(true), OL(true), OV(true), OW(true), SQ(true), SV(true), UC(true),
  UN(true), UR(true), UT(true), UV(true);

  private final boolean longLength;

  Vr() {
    this(false);
  }

  Vr(boolean longLength) {
    this.longLength = longLength;
  }

  /** Whether explicit VR encodings give this VR a 4-byte length. */
  boolean longLength() {
    return longLength;
  }

  /** Text values are padded to even length with a space, UIDs and binary values with zero. */
  byte padding() {
    return this == UI || this == OB || this == UN ? (byte) 0 : (byte) ' ';
  }

  /** The VR named by two bytes of an explicit VR element, or null if they name none. */
  static Vr of(int first, int second) {
    char[] name = {(char) first, (char) second};
    for (Vr vr : values()) {
      if (vr.name().charAt(0) == name[0] && vr.name().charAt(1) == name[1]) {
        return vr;
      }
    }
    return null;
  }
}
