package org.medlora.service.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SegmentationWriterTest {

  @Test
  void coloursBecomeScaledCielabRelativeToD50() {
    // Bruce Lindbloom's calculator, sRGB with Bradford adaptation to D50:
    // red = L 54.29, a 80.80, b 69.89; white = 100, 0, 0. Scaled as PS3.3 C.10.7.1.1 says.
    assertScaledLab(54.29, 80.80, 69.89, SegmentationWriter.cielab(0xff0000));
    assertScaledLab(100, 0, 0, SegmentationWriter.cielab(0xffffff));
    assertArrayEquals(new int[] {0, 32896, 32896}, SegmentationWriter.cielab(0x000000));
  }

  @Test
  void binaryFramesArePackedOnePerSegmentLowBitFirst() {
    // Three pixels, classes 0, 2, 1: frame 1 (class 1) = 001, frame 2 (class 2) = 010,
    // concatenated without padding between frames: bits 0..5 = 0 0 1 0 1 0.
    byte[] packed = SegmentationWriter.packBits(new byte[] {0, 2, 1}, 2);
    assertArrayEquals(new byte[] {0b010100}, packed);
  }

  private static void assertScaledLab(double l, double a, double b, int[] scaled) {
    // Within 0.05 of a Lab unit.
    assertEquals(l / 100 * 65535, scaled[0], 0.05 * 655.35);
    assertEquals((a + 128) / 255 * 65535, scaled[1], 0.05 * 257);
    assertEquals((b + 128) / 255 * 65535, scaled[2], 0.05 * 257);
  }
}
