package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BilinearTest {

  @Test
  void upsampling2To4MatchesTorchBilinearByHand() {
    // r = 0.5; src = max((d + 0.5) * 0.5 - 0.5, 0) = 0, 0.25, 0.75, 1.25 (i0 = i1 = 1 at the end).
    float[] expected = {
      1.00f, 0.00f,
      0.75f, 0.25f,
      0.25f, 0.75f,
      0.00f, 1.00f,
    };
    assertArrayEquals(expected, Bilinear.matrix(2, 4), 0f);
  }

  @Test
  void downsampling4To2AveragesPairsWithoutAntialias() {
    // r = 2; src = 0.5 and 2.5: each output sees only two inputs, no wider filter.
    float[] expected = {
      0.5f, 0.5f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.5f, 0.5f,
    };
    assertArrayEquals(expected, Bilinear.matrix(4, 2), 0f);
  }

  @Test
  void nonIntegerRatio3To2MatchesByHand() {
    // r = 1.5; src = 0.25 and 1.75.
    float[] expected = {
      0.75f, 0.25f, 0.00f,
      0.00f, 0.25f, 0.75f,
    };
    assertArrayEquals(expected, Bilinear.matrix(3, 2), 0f);
  }

  @Test
  void sameSizeIsTheIdentity() {
    float[] m = Bilinear.matrix(5, 5);
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        assertEquals(i == j ? 1f : 0f, m[i * 5 + j], 0f, "m[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void edgesClampToTheFirstAndLastSample() {
    // 3 -> 7: r = 3/7; the first output has src < 0 (clamped to 0), the last has i0 = i1 = 2.
    float[] m = Bilinear.matrix(3, 7);
    assertArrayEquals(new float[] {1f, 0f, 0f}, java.util.Arrays.copyOfRange(m, 0, 3), 0f);
    assertArrayEquals(new float[] {0f, 0f, 1f}, java.util.Arrays.copyOfRange(m, 18, 21), 0f);
    // A single input sample is replicated everywhere.
    assertArrayEquals(new float[] {1f, 1f, 1f}, Bilinear.matrix(1, 3), 0f);
  }

  @Test
  void everyRowSumsToOneWithAtMostTwoNonZeros() {
    int[] sizes = {1, 2, 3, 7, 14, 16, 37, 224, 240, 300, 518};
    for (int in : sizes) {
      for (int out : sizes) {
        float[] m = Bilinear.matrix(in, out);
        for (int row = 0; row < out; row++) {
          double sum = 0;
          int nonZeros = 0;
          for (int col = 0; col < in; col++) {
            float v = m[row * in + col];
            assertTrue(v >= 0f && v <= 1f, "weight out of [0,1]: " + v);
            sum += v;
            nonZeros += v != 0f ? 1 : 0;
          }
          assertEquals(1.0, sum, 1e-6, in + "->" + out + " row " + row);
          assertTrue(nonZeros <= 2, in + "->" + out + " row " + row + " has " + nonZeros);
        }
      }
    }
  }

  @Test
  void weightsFollowTheTorchFormulaForTheFixtureSizes() {
    // 300 -> 224 (fixture width): check a row in the middle against the formula by hand.
    float[] m = Bilinear.matrix(300, 224);
    int d = 100;
    double src = (d + 0.5) * 300.0 / 224.0 - 0.5; // 134.1919...
    int i0 = (int) Math.floor(src);
    assertEquals(134, i0);
    assertEquals(1 - (src - i0), m[d * 300 + i0], 1e-7);
    assertEquals(src - i0, m[d * 300 + i0 + 1], 1e-7);
  }

  @Test
  void nonPositiveSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Bilinear.matrix(0, 4));
    assertThrows(IllegalArgumentException.class, () -> Bilinear.matrix(4, -1));
  }
}
