package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.PreprocessingSpec;

class PreprocessorTest {

  private static DecodedImage gray(int h, int w, float... samples) {
    return new DecodedImage(1, h, w, 8, samples);
  }

  @Test
  void resizeMatchesTorchBilinearOnAHandComputedCase() {
    // A = [[0, 40], [80, 120]] is the plane 80*y + 40*x, which bilinear reproduces exactly at
    // the source positions 0, 0.25, 0.75, 1 (clamped beyond) that 2 -> 4 samples.
    float[] expected = {
      0, 10, 30, 40,
      20, 30, 50, 60,
      60, 70, 90, 100,
      80, 90, 110, 120,
    };
    assertArrayEquals(expected, Preprocessor.resize(gray(2, 2, 0, 40, 80, 120), 4, 4), 1e-5f);
  }

  @Test
  void resizeBlendsAllFourNeighboursBilinearly() {
    // A = [[0, 100], [200, 60]]; output (1, 1) reads (0.25, 0.25):
    // 0.75*0.75*0 + 0.75*0.25*100 + 0.25*0.75*200 + 0.25*0.25*60 = 18.75 + 37.5 + 3.75 = 60.
    // Output (1, 2) reads (0.25, 0.75): 0.75*0.75*100 + 0.25*0.25*200 + 0.25*0.75*60
    // = 56.25 + 12.5 + 11.25 = 80.
    float[] out = Preprocessor.resize(gray(2, 2, 0, 100, 200, 60), 4, 4);
    assertEquals(60f, out[1 * 4 + 1], 1e-5f);
    assertEquals(80f, out[1 * 4 + 2], 1e-5f);
    assertEquals(0f, out[0], 0f);
    assertEquals(60f, out[15], 0f);
  }

  @Test
  void downsamplingByTwoAveragesEachTwoByTwoBlock() {
    float[] a = {
      0, 10, 20, 30,
      40, 50, 60, 70,
      80, 90, 100, 110,
      120, 130, 140, 150,
    };
    float[] expected = {25, 45, 105, 125};
    assertArrayEquals(expected, Preprocessor.resize(gray(4, 4, a), 2, 2), 1e-5f);
  }

  @Test
  void resizeToTheSameSizeReturnsTheInput() {
    float[] a = new float[3 * 5 * 7];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i * 37 % 255) + 0.25f;
    }
    DecodedImage image = new DecodedImage(3, 5, 7, 8, a);
    assertArrayEquals(a, Preprocessor.resize(image, 5, 7), 0f);
  }

  @Test
  void resizeClampsAtTheEdges() {
    // 1 x 3 -> 1 x 7 along x: the first outputs repeat a[0], the last repeat a[2].
    float[] out = Preprocessor.resize(gray(1, 3, 10, 20, 30), 1, 7);
    assertEquals(10f, out[0], 0f);
    assertEquals(30f, out[6], 0f);
    // src for d = 1 is 1.5 * 3/7 - 0.5 = 1/7, so 10 + 10/7.
    assertEquals(10f + 10f / 7f, out[1], 1e-5f);
  }

  @Test
  void resizeEqualsTheBilinearMatricesAppliedOnBothAxes() {
    int inH = 5;
    int inW = 9;
    int outH = 8;
    int outW = 4;
    float[] a = new float[3 * inH * inW];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i * 97 % 251);
    }
    float[] out = Preprocessor.resize(new DecodedImage(3, inH, inW, 8, a), outH, outW);
    float[] mh = Bilinear.matrix(inH, outH);
    float[] mw = Bilinear.matrix(inW, outW);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < outH; y++) {
        for (int x = 0; x < outW; x++) {
          double v = 0;
          for (int i = 0; i < inH; i++) {
            for (int j = 0; j < inW; j++) {
              v += (double) mh[y * inH + i] * mw[x * inW + j] * a[(c * inH + i) * inW + j];
            }
          }
          assertEquals(v, out[(c * outH + y) * outW + x], 1e-4, "c=" + c + " y=" + y + " x=" + x);
        }
      }
    }
  }

  @Test
  void eightBitImagesHeldAsBytesGiveExactlyTheInputOfTheSameValuesHeldAsFloats() {
    java.util.Random random = new java.util.Random(3);
    for (int channels : new int[] {1, 3}) {
      // Down by 2.3 and up by 1.7 on the two axes.
      int h = 23;
      int w = 17;
      byte[] bytes = new byte[channels * h * w];
      random.nextBytes(bytes);
      DecodedImage asBytes = DecodedImage.wrapBytes(channels, h, w, 8, bytes);
      DecodedImage asFloats = new DecodedImage(channels, h, w, 8, asBytes.samples());
      PreprocessingSpec spec = new PreprocessingSpec(10, 29, PreprocessingSpec.IMAGENET_MEAN,
          PreprocessingSpec.IMAGENET_STD);
      assertArrayEquals(Preprocessor.toModelInput(asFloats, spec), Preprocessor.toModelInput(asBytes, spec));
      assertArrayEquals(Preprocessor.resize(asFloats, 29, 10), Preprocessor.resize(asBytes, 29, 10));
    }
  }

  @Test
  void anInputWrittenIntoAReusedArrayOverwritesAllOfIt() {
    PreprocessingSpec spec = new PreprocessingSpec(4, 6, PreprocessingSpec.IMAGENET_MEAN,
        PreprocessingSpec.IMAGENET_STD);
    DecodedImage image = DecodedImage.wrapBytes(1, 5, 5, 8, new byte[] {
        0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 127, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    float[] reused = new float[3 * 4 * 6];
    java.util.Arrays.fill(reused, Float.NaN); // what a previous request left
    Preprocessor.toModelInput(image, spec, reused);
    assertArrayEquals(Preprocessor.toModelInput(image, spec), reused);
    assertThrows(IllegalArgumentException.class,
        () -> Preprocessor.toModelInput(image, spec, new float[3 * 4 * 6 - 1]));
  }

  @Test
  void normalizingAConstantGrayImageGivesTheSpecFormulaExactly() {
    float v = 100f;
    float[] a = new float[6 * 10];
    java.util.Arrays.fill(a, v);
    PreprocessingSpec spec = PreprocessingSpec.imagenet(4, 8);
    float[] out = Preprocessor.toModelInput(gray(6, 10, a), spec);
    assertEquals(3 * 4 * 8, out.length);
    for (int c = 0; c < 3; c++) {
      float expected =
          (v / 255f - PreprocessingSpec.IMAGENET_MEAN.get(c)) / PreprocessingSpec.IMAGENET_STD.get(c);
      for (int i = 0; i < 32; i++) {
        assertEquals(expected, out[c * 32 + i], 0f, "channel " + c + " index " + i);
      }
    }
    // Sanity on the value itself: (100/255 - 0.485) / 0.229 = -0.405429...
    assertEquals(-0.405429, out[0], 1e-5);
  }

  @Test
  void rgbChannelsAreNormalizedWithTheirOwnStatistics() {
    float[] a = {255, 255, 0, 0, 51, 51};
    PreprocessingSpec spec =
        new PreprocessingSpec(1, 2, List.of(0.5f, 0.25f, 0.1f), List.of(0.5f, 0.25f, 0.2f));
    float[] out = Preprocessor.toModelInput(new DecodedImage(3, 1, 2, 8, a), spec);
    assertArrayEquals(new float[] {1f, 1f, -1f, -1f, 0.5f, 0.5f}, out, 1e-6f);
  }

  @Test
  void grayIsReplicatedToThreeChannelsInCHWOrder() {
    float[] a = {0, 255, 51, 102};
    PreprocessingSpec spec =
        new PreprocessingSpec(2, 2, List.of(0f, 0f, 0f), List.of(1f, 1f, 1f));
    float[] out = Preprocessor.toModelInput(gray(2, 2, a), spec);
    float[] plane = {0f, 1f, 0.2f, 0.4f};
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(plane, java.util.Arrays.copyOfRange(out, c * 4, c * 4 + 4), 1e-7f);
    }
  }

  @Test
  void nonPositiveTargetSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Preprocessor.resize(gray(1, 1, 0), 0, 3));
  }
}
