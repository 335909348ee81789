package org.medlora.safetensors;

/**
 * The element types of the safetensors format, with their width in bytes. Sub-byte types
 * (F4, F6_*) are deliberately absent: no checkpoint we load uses them, so a file that does is
 * rejected as having an unknown dtype rather than half-supported.
 */
public enum DType {
  BOOL(1),
  U8(1),
  I8(1),
  F8_E5M2(1),
  F8_E4M3(1),
  I16(2),
  U16(2),
  F16(2),
  BF16(2),
  I32(4),
  U32(4),
  F32(4),
  F64(8),
  I64(8),
  U64(8);

  private final int byteSize;

  DType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether {@link SafetensorsFile#floats} can read this type (F16, BF16, F32, F64). */
  public boolean isReadableAsFloat() {
    return this == F16 || this == BF16 || this == F32 || this == F64;
  }

  /** The dtype spelled exactly as in a safetensors header, or null if there is none. */
  static DType fromHeaderName(String name) {
    for (DType type : values()) {
      if (type.name().equals(name)) {
        return type;
      }
    }
    return null;
  }
}
