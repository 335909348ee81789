package org.medlora.safetensors;

/**
 * Conversions between float32 and the two 16-bit float formats. Written out by hand because
 * Float.float16ToFloat only arrived in Java 20 and DJL's BF16 path is unusable.
 */
public final class HalfPrecision {
  private HalfPrecision() {}

  /** IEEE binary16 bits (low 16 bits of {@code bits}) to float32; exact for every value. */
  static float f16ToFloat(int bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      // Infinity, or NaN with its payload moved to the top of the float mantissa.
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Zero or subnormal: mantissa * 2^-24, exact in float32 (normal there).
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Float32 to binary16 bits, rounding to nearest, ties to even; overflow gives infinity. */
  public static short floatToF16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7fffffff;
    if (abs >= 0x7f800000) {
      if (abs == 0x7f800000) {
        return (short) (sign | 0x7c00);
      }
      return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff)); // quiet NaN
    }
    if (abs >= 0x477ff000) { // >= 65520, the midpoint above 65504: rounds to infinity
      return (short) (sign | 0x7c00);
    }
    int exponent = abs >>> 23;
    if (exponent >= 113) { // normal in binary16
      int mantissa = abs & 0x7fffff;
      int half = ((exponent - 112) << 10) | (mantissa >>> 13);
      int rest = mantissa & 0x1fff;
      if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
        half++; // a carry into the exponent is still the right encoding
      }
      return (short) (sign | half);
    }
    if (exponent < 102) { // below 2^-25, half of the smallest subnormal: rounds to zero
      return (short) sign;
    }
    int mantissa = (abs & 0x7fffff) | 0x800000;
    int shift = 126 - exponent; // 14..24: value / 2^-24 = mantissa >> shift
    int half = mantissa >>> shift;
    int rest = mantissa & ((1 << shift) - 1);
    int midpoint = 1 << (shift - 1);
    if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }

  /** bfloat16 bits to float32: the top half of a float32, so always exact. */
  static float bf16ToFloat(int bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** Float32 to bfloat16 bits, rounding to nearest, ties to even. */
  static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x0040); // keep NaN a (quiet) NaN
    }
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }
}
