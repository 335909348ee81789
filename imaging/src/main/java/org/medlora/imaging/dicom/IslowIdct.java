package org.medlora.imaging.dicom;

/**
 * IJG libjpeg's accurate integer inverse DCT ({@code jidctint.c}, "islow", the Loeffler,
 * Ligtenberg and Moschytz algorithm with 13-bit fixed-point constants), step for step, so that
 * samples equal those of dcmtk, whose 8- and 12-bit codecs are IJG libjpeg 6b with this IDCT as
 * the default. Arithmetic is in {@code long} as libjpeg's INT32 is on 64-bit Linux, which the
 * 12-bit products need.
 */
final class IslowIdct {

  private static final int CONST_BITS = 13;
  private static final long FIX_0_298631336 = 2446;
  private static final long FIX_0_390180644 = 3196;
  private static final long FIX_0_541196100 = 4433;
  private static final long FIX_0_765366865 = 6270;
  private static final long FIX_0_899976223 = 7373;
  private static final long FIX_1_175875602 = 9633;
  private static final long FIX_1_501321110 = 12299;
  private static final long FIX_1_847759065 = 15137;
  private static final long FIX_1_961570560 = 16069;
  private static final long FIX_2_053119869 = 16819;
  private static final long FIX_2_562915447 = 20995;
  private static final long FIX_3_072711026 = 25172;

  private IslowIdct() {}

  /**
   * One 8x8 block.
   *
   * @param in dequantized coefficients in natural (row-major) order
   * @param out the samples, level-shifted back and clamped to {@code 0..(1 << precision) - 1}
   * @param precision 8 or 12 bits per sample
   */
  static void transform(int[] in, int[] out, int precision) {
    // libjpeg keeps two extra bits between the passes for 8-bit samples, one for 12-bit.
    int pass1Bits = precision == 8 ? 2 : 1;
    int max = (1 << precision) - 1;
    int center = 1 << (precision - 1);
    long[] workspace = new long[64];
    // Pass 1: columns from the input into the workspace, scaled up by 2^pass1Bits.
    for (int c = 0; c < 8; c++) {
      long[] r = butterfly(in[c], in[8 + c], in[16 + c], in[24 + c], in[32 + c], in[40 + c],
          in[48 + c], in[56 + c]);
      for (int i = 0; i < 8; i++) {
        workspace[8 * i + c] = descale(r[i], CONST_BITS - pass1Bits);
      }
    }
    // Pass 2: rows from the workspace, scaled down by 8 (the DCT's normalization) as well.
    for (int row = 0; row < 8; row++) {
      int o = 8 * row;
      long[] r = butterfly(workspace[o], workspace[o + 1], workspace[o + 2], workspace[o + 3],
          workspace[o + 4], workspace[o + 5], workspace[o + 6], workspace[o + 7]);
      for (int i = 0; i < 8; i++) {
        long v = descale(r[i], CONST_BITS + pass1Bits + 3) + center;
        out[o + i] = (int) Math.max(0, Math.min(max, v));
      }
    }
  }

  /** One 1-D inverse DCT of eight inputs, outputs scaled by 2^CONST_BITS. */
  private static long[] butterfly(long d0, long d1, long d2, long d3, long d4, long d5, long d6,
      long d7) {
    // Even part.
    long z1 = (d2 + d6) * FIX_0_541196100;
    long tmp2 = z1 - d6 * FIX_1_847759065;
    long tmp3 = z1 + d2 * FIX_0_765366865;
    long tmp0 = (d0 + d4) << CONST_BITS;
    long tmp1 = (d0 - d4) << CONST_BITS;
    long tmp10 = tmp0 + tmp3;
    long tmp13 = tmp0 - tmp3;
    long tmp11 = tmp1 + tmp2;
    long tmp12 = tmp1 - tmp2;

    // Odd part.
    long o0 = d7;
    long o1 = d5;
    long o2 = d3;
    long o3 = d1;
    long z5 = (o0 + o2 + o1 + o3) * FIX_1_175875602;
    long zz1 = (o0 + o3) * -FIX_0_899976223;
    long zz2 = (o1 + o2) * -FIX_2_562915447;
    long zz3 = (o0 + o2) * -FIX_1_961570560 + z5;
    long zz4 = (o1 + o3) * -FIX_0_390180644 + z5;
    o0 = o0 * FIX_0_298631336 + zz1 + zz3;
    o1 = o1 * FIX_2_053119869 + zz2 + zz4;
    o2 = o2 * FIX_3_072711026 + zz2 + zz3;
    o3 = o3 * FIX_1_501321110 + zz1 + zz4;

    return new long[] {tmp10 + o3, tmp11 + o2, tmp12 + o1, tmp13 + o0,
        tmp13 - o0, tmp12 - o1, tmp11 - o2, tmp10 - o3};
  }

  /** libjpeg's DESCALE: a right shift that rounds half up. */
  private static long descale(long x, int n) {
    return (x + (1L << (n - 1))) >> n;
  }
}
