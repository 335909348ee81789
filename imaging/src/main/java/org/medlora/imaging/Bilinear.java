package org.medlora.imaging;

/**
 * Bilinear interpolation weights with exactly the semantics of PyTorch's
 * {@code F.interpolate(mode="bilinear", align_corners=False, antialias=False)} when an output
 * size is given. Per axis, with {@code r = in / out}, output index {@code d} reads source
 * position {@code src = max((d + 0.5) * r - 0.5, 0)} and blends {@code a[i0]} and {@code a[i1]}
 * with {@code i0 = floor(src)}, {@code i1 = min(i0 + 1, in - 1)}, {@code l = src - i0}:
 * {@code (1 - l) * a[i0] + l * a[i1]}.
 *
 * <p>Downsampling does not low-pass filter first (no antialias), so it can alias; that is what
 * the reference pipeline does and must be matched, not fixed.
 */
public final class Bilinear {

  private Bilinear() {}

  /**
   * The {@code [outSize x inSize]} row-major interpolation matrix: {@code out = M a}. Each row
   * has at most two non-zero entries and sums to 1; 2-D resizing is {@code M_h A M_w^T}.
   */
  public static float[] matrix(int inSize, int outSize) {
    Taps taps = taps(inSize, outSize);
    if ((long) inSize * outSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("matrix too large: " + outSize + "x" + inSize);
    }
    float[] m = new float[outSize * inSize];
    for (int d = 0; d < outSize; d++) {
      // += because i0 == i1 at the last source index, where the two weights merge.
      m[d * inSize + taps.i0[d]] += (float) taps.w0[d];
      m[d * inSize + taps.i1[d]] += (float) taps.w1[d];
    }
    return m;
  }

  /** Source indices and weights for each output index of one axis. */
  record Taps(int[] i0, int[] i1, double[] w0, double[] w1) {}

  /** The single definition of the weights; {@link #matrix} and the resize both use it. */
  static Taps taps(int inSize, int outSize) {
    if (inSize <= 0 || outSize <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive, got in=" + inSize + ", out=" + outSize);
    }
    int[] i0 = new int[outSize];
    int[] i1 = new int[outSize];
    double[] w0 = new double[outSize];
    double[] w1 = new double[outSize];
    double r = (double) inSize / outSize;
    for (int d = 0; d < outSize; d++) {
      double src = Math.max((d + 0.5) * r - 0.5, 0.0);
      // src < inSize - 0.5, so lo never passes the last index.
      int lo = (int) Math.floor(src);
      double l = src - lo;
      i0[d] = lo;
      i1[d] = Math.min(lo + 1, inSize - 1);
      w0[d] = 1.0 - l;
      w1[d] = l;
    }
    return new Taps(i0, i1, w0, w1);
  }
}
