package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LabelMasksTest {

  @Test
  void nearestResizeKeepsClassIndicesUnblended() {
    byte[] mask = {0, 1, 2, 3}; // 2x2
    assertArrayEquals(
        new byte[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3},
        LabelMasks.resizeNearest(mask, 2, 2, 4, 4));
    assertArrayEquals(new byte[] {0, 1}, LabelMasks.resizeNearest(new byte[] {0, 0, 1, 1}, 1, 4, 1, 2));
  }

  @Test
  void pngRoundTripsThroughTheDecoderAsGrayClassIndices() throws Exception {
    byte[] mask = {0, 1, 2, 1, 0, 2};
    DecodedImage image = ImageDecoder.decode(LabelMasks.toPng(mask, 2, 3), ImageLimits.DEFAULT);
    assertEquals(1, image.channels());
    assertEquals(2, image.height());
    assertEquals(3, image.width());
    float[] samples = image.samples();
    for (int i = 0; i < mask.length; i++) {
      assertEquals(mask[i], samples[i], "pixel " + i);
    }
  }
}
