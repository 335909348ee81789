package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.PreprocessingSpec;

/**
 * Compares against golden tensors from the official PyTorch pipeline (DINOv2 reference fixture
 * A, README sections 5.3 and 6): {@code image.png} (8-bit gray, 300 wide, 240 high) resized to
 * 224x224 and normalized with ImageNet statistics.
 */
class FixtureAPreprocessingTest {

  private static final int SIZE = 224;

  private static DecodedImage image;
  private static byte[] inputs;

  @BeforeAll
  static void load() throws Exception {
    image = ImageDecoder.decode(resource("fixture_a/image.png"), ImageLimits.DEFAULT);
    inputs = resource("fixture_a/inputs.safetensors");
  }

  @Test
  void fixtureImageDecodesAsEightBitGray300By240() {
    assertEquals(1, image.channels());
    assertEquals(240, image.height());
    assertEquals(300, image.width());
    assertEquals(8, image.bitDepth());
  }

  @Test
  void resizeMatchesTorchInterpolateOnTheFixture() {
    float[] expected = Safetensors.readF32(inputs, "png_resized_0_255", 1, 1, SIZE, SIZE);
    float[] actual = Preprocessor.resize(image, SIZE, SIZE);
    double diff = maxAbsDiff(expected, actual);
    System.out.printf("fixture A resize 0..255: max abs diff %.3g%n", diff);
    // The README measures 2.7e-4 for float64 against torch's float32 arithmetic.
    assertTrue(diff <= 3e-4, "max abs diff " + diff);
  }

  @Test
  void modelInputMatchesTorchPixelValuesOnTheFixture() {
    float[] expected = Safetensors.readF32(inputs, "png_pixel_values", 1, 3, SIZE, SIZE);
    float[] actual = Preprocessor.toModelInput(image, PreprocessingSpec.imagenet(SIZE, SIZE));
    double diff = maxAbsDiff(expected, actual);
    System.out.printf("fixture A normalized: max abs diff %.3g%n", diff);
    assertTrue(diff <= 1e-5, "max abs diff " + diff);
  }

  private static double maxAbsDiff(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, "length");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
    }
    return max;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = FixtureAPreprocessingTest.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
