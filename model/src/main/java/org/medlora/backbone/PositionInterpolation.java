package org.medlora.backbone;

/**
 * DINOv2's resampling of the learned position grid to another patch grid, exactly as the
 * reference calls {@code F.interpolate(scale_factor=(g + offset) / G, mode="bicubic",
 * antialias=False)}: PyTorch maps output index d to source {@code (d + 0.5) / s - 0.5} with the
 * given scale s (not g/G), and uses Keys' cubic kernel with A = -0.75 and border-replicated taps.
 * DJL's own bicubic is the antialiased kind, hence this separable matrix form.
 */
final class PositionInterpolation {

  private static final double A = -0.75;

  private PositionInterpolation() {}

  /**
   * The (out, source) row-major matrix M such that {@code resampled = M @ grid} along one axis.
   *
   * @param source side G of the stored grid
   * @param out side g of the patch grid of the current input
   * @param offset DINOv2's interpolate_offset (0.1)
   */
  static float[] matrix(int source, int out, double offset) {
    double scale = (out + offset) / source;
    float[] m = new float[out * source];
    for (int d = 0; d < out; d++) {
      double src = (d + 0.5) / scale - 0.5;
      int i = (int) Math.floor(src);
      double t = src - i;
      double[] w = {
        ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A,
        ((A + 2) * t - (A + 3)) * t * t + 1,
        ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1,
        ((A * (2 - t) - 5 * A) * (2 - t) + 8 * A) * (2 - t) - 4 * A
      };
      for (int k = 0; k < 4; k++) {
        int tap = Math.min(Math.max(i - 1 + k, 0), source - 1);
        m[d * source + tap] += (float) w[k];
      }
    }
    return m;
  }
}
