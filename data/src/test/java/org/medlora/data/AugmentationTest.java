package org.medlora.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.imaging.DecodedImage;

class AugmentationTest {

  @TempDir Path dir;

  private static final Augmentation ALL = new Augmentation(true, true, true, 0.3, 1.0);

  /** Random bright rectangles on a dark background; the mask is the image thresholded. */
  private static byte[] blocks(int height, int width, long seed) {
    Random rng = new Random(seed);
    byte[] img = new byte[height * width];
    Arrays.fill(img, (byte) 40);
    for (int k = 0; k < 6; k++) {
      int y0 = rng.nextInt(height - 8);
      int x0 = rng.nextInt(width - 8);
      int y1 = Math.min(height, y0 + 8 + rng.nextInt(8));
      int x1 = Math.min(width, x0 + 8 + rng.nextInt(8));
      byte[] r = Fixtures.rect(height, width, y0, y1, x0, x1);
      for (int i = 0; i < img.length; i++) {
        img[i] = r[i] != 0 ? (byte) 200 : img[i];
      }
    }
    return img;
  }

  private static byte[] threshold(float[] gray) {
    byte[] m = new byte[gray.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = (byte) (gray[i] > 128 ? 1 : 0);
    }
    return m;
  }

  @Test
  void flipsAndCropsMoveImageAndMaskTogether() {
    int h = 37;
    int w = 53;
    for (long seed = 0; seed < 200; seed++) {
      byte[] pixels = blocks(h, w, seed);
      float[] gray = new float[pixels.length];
      for (int i = 0; i < gray.length; i++) {
        gray[i] = pixels[i] & 0xff;
      }
      // Three channels, so that the per-channel indexing is exercised too.
      float[] rgb = new float[3 * gray.length];
      for (int c = 0; c < 3; c++) {
        System.arraycopy(gray, 0, rgb, c * gray.length, gray.length);
      }
      DecodedImage image = new DecodedImage(3, h, w, 8, rgb);
      Augmentation.Plan plan = ALL.plan(h, w, new Random(seed));
      DecodedImage out = plan.apply(image);
      byte[] mask = plan.apply(threshold(gray));

      assertEquals(plan.height() * plan.width(), mask.length);
      float[] samples = out.samples();
      float[] blue = Arrays.copyOfRange(samples, 2 * mask.length, 3 * mask.length);
      assertArrayEquals(threshold(blue), mask, "seed " + seed + ", " + plan);
    }
  }

  @Test
  void throughTheLoaderTheMaskStillMatchesTheImageAfterResizing() throws Exception {
    int h = 40;
    int w = 48;
    byte[] pixels = blocks(h, w, 5);
    byte[] maskBytes = threshold(toFloats(pixels));
    for (int i = 0; i < maskBytes.length; i++) {
      maskBytes[i] = (byte) (maskBytes[i] * 255);
    }
    Sample sample = new Sample(
        Fixtures.png(dir.resolve("a.png"), pixels, h, w), List.of(Fixtures.png(dir.resolve("a_mask.png"), maskBytes, h, w)), 1);
    PreprocessingSpec spec = PreprocessingSpec.imagenet(112, 112);
    ExampleLoader loader = new ExampleLoader();
    for (long seed = 0; seed < 20; seed++) {
      Example ex = loader.load(sample, spec, ALL, new Random(seed));
      int agree = 0;
      int plane = 112 * 112;
      for (int i = 0; i < plane; i++) {
        // Channel 0 back on the 0..255 scale; bilinear blends the edges, nearest does not.
        float v = (ex.pixels()[i] * 0.229f + 0.485f) * 255f;
        agree += (v > 128) == (ex.mask()[i] == 1) ? 1 : 0;
      }
      assertTrue(agree > 0.95 * plane, "seed " + seed + ": only " + agree + " of " + plane + " pixels agree");
    }
  }

  @Test
  void cropsHaveTheRequestedAreaAndAspectOrFallBackToTheWholeImage() {
    Augmentation crop = new Augmentation(false, false, true, 0.25, 0.5);
    for (long seed = 0; seed < 100; seed++) {
      Augmentation.Plan p = crop.plan(200, 300, new Random(seed));
      double area = (double) p.height() * p.width() / (200 * 300);
      double aspect = (double) p.width() / p.height();
      assertTrue(area > 0.24 && area < 0.51, "area fraction " + area);
      assertTrue(aspect > 0.74 && aspect < 1.35, "aspect " + aspect);
    }
    // A 300x10 strip has no square-ish crop of 25% or more: the whole image is used.
    Augmentation.Plan strip = crop.plan(10, 300, new Random(1));
    assertEquals(10, strip.height());
    assertEquals(300, strip.width());
  }

  @Test
  void plansAreDeterministicAndMirrorAndCropAsDrawn() {
    assertEquals(ALL.plan(100, 80, new Random(9)), ALL.plan(100, 80, new Random(9)));
    DecodedImage image = new DecodedImage(1, 2, 3, 8, new float[] {1, 2, 3, 4, 5, 6});
    Augmentation.Plan none = Augmentation.NONE.plan(2, 3, new Random(0));
    assertSame(image, none.apply(image));
    Augmentation.Plan mirror = new Augmentation.Plan(2, 3, 0, 0, 2, 3, true, false);
    assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, mirror.apply(image).samples());
    Augmentation.Plan upsideDownCorner = new Augmentation.Plan(2, 3, 0, 1, 2, 2, false, true);
    assertArrayEquals(new float[] {5, 6, 2, 3}, upsideDownCorner.apply(image).samples());
    assertArrayEquals(new byte[] {5, 6, 2, 3}, upsideDownCorner.apply(new byte[] {1, 2, 3, 4, 5, 6}));
  }

  @Test
  void cropScalesOutsideTheUnitIntervalAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, false, true, 0.6, 0.4));
    assertEquals("crop scales must satisfy 0 < min <= max <= 1, got min=0.6, max=0.4", e.getMessage());
  }

  private static float[] toFloats(byte[] b) {
    float[] f = new float[b.length];
    for (int i = 0; i < b.length; i++) {
      f[i] = b[i] & 0xff;
    }
    return f;
  }
}
