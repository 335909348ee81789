package org.medlora.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import org.medlora.safetensors.FloatTensor;

/** Element-wise comparison with an absolute tolerance that reports the worst element. */
public final class TensorAssert {

  private TensorAssert() {}

  public static double assertClose(FloatTensor expected, NDArray actual, double atol, String what) {
    assertArrayEquals(expected.shape(), actual.getShape().getShape(), what + ": shape");
    return assertClose(expected.data(), actual.toFloatArray(), atol, what);
  }

  /** Returns the max absolute difference, after failing if it exceeds {@code atol}. */
  public static double assertClose(float[] expected, float[] actual, double atol, String what) {
    if (expected.length != actual.length) {
      fail(what + ": expected " + expected.length + " values, got " + actual.length);
    }
    double worst = 0;
    int at = -1;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) expected[i] - actual[i]);
      if (!(d <= worst)) { // also catches NaN
        worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        at = i;
      }
    }
    if (worst > atol) {
      fail(String.format("%s: max |diff| %.3g > %.1g at flat index %d (expected %g, got %g)",
          what, worst, atol, at, expected[at], actual[at]));
    }
    return worst;
  }
}
