package org.medlora.onnx;

/**
 * Symmetric per-channel int8 quantization of a weight matrix: each output channel {@code n} gets
 * the scale {@code max|w[n, :]| / 127}, and its values become {@code round(w / scale)} in
 * [-127, 127]. Symmetric, so the zero point is 0 for every channel and one scalar zero point
 * serves the integer product; the per-channel scales are applied after it, to the int32 sums.
 *
 * @param values quantized weights, laid out as {@code layout} of {@link #of} says
 * @param scales one scale per output channel, positive (1 for an all-zero channel)
 */
record Int8Weights(byte[] values, float[] scales) {

  /** Quantization levels on each side of zero; -128 is left out so the range is symmetric. */
  static final int LEVELS = 127;

  /**
   * Quantizes {@code w}, row-major with {@code channels} output channels of {@code perChannel}
   * values each (a (out, in) linear weight or an (out, in, kh, kw) convolution kernel). With
   * {@code transposed} the values come out as (in, out), the layout MatMul's right operand uses;
   * otherwise in the input's order.
   */
  static Int8Weights of(float[] w, int channels, boolean transposed) {
    int perChannel = w.length / channels;
    if (perChannel * channels != w.length) {
      throw new IllegalArgumentException(w.length + " weights do not split into " + channels + " channels");
    }
    float[] scales = new float[channels];
    byte[] q = new byte[w.length];
    for (int n = 0; n < channels; n++) {
      float max = 0;
      for (int k = 0; k < perChannel; k++) {
        max = Math.max(max, Math.abs(w[n * perChannel + k]));
      }
      scales[n] = max == 0 ? 1f : max / LEVELS;
      for (int k = 0; k < perChannel; k++) {
        int v = Math.round(w[n * perChannel + k] / scales[n]);
        q[transposed ? k * channels + n : n * perChannel + k] = (byte) Math.max(-LEVELS, Math.min(LEVELS, v));
      }
    }
    return new Int8Weights(q, scales);
  }

  /** The values shifted by +128 into uint8 (zero point 128), for ConvInteger's uint8-only kernel. */
  byte[] asUint8() {
    byte[] u = new byte[values.length];
    for (int i = 0; i < u.length; i++) {
      u[i] = (byte) (values[i] + 128);
    }
    return u;
  }
}
