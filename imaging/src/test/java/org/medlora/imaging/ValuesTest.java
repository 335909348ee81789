package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void decodedImageRejectsInconsistentShapes() {
    assertThrows(IllegalArgumentException.class, () -> new DecodedImage(2, 1, 1, 8, new float[2]));
    assertThrows(IllegalArgumentException.class, () -> new DecodedImage(1, 0, 1, 8, new float[0]));
    assertThrows(IllegalArgumentException.class, () -> new DecodedImage(3, 2, 2, 8, new float[4]));
    assertThrows(IllegalArgumentException.class, () -> new DecodedImage(1, 1, 1, 12, new float[1]));
    assertThrows(IllegalArgumentException.class, () -> new DecodedImage(1, 1, 1, 8, null));
  }

  @Test
  void decodedImageRejectsSamplesOutsideTheByteScale() {
    assertThrows(
        IllegalArgumentException.class, () -> new DecodedImage(1, 1, 1, 8, new float[] {256f}));
    assertThrows(
        IllegalArgumentException.class, () -> new DecodedImage(1, 1, 1, 8, new float[] {-1f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DecodedImage(1, 1, 1, 8, new float[] {Float.NaN}));
  }

  @Test
  void decodedImageCannotBeChangedThroughItsArrays() {
    float[] samples = {1f, 2f};
    DecodedImage image = new DecodedImage(1, 1, 2, 8, samples);
    samples[0] = 99f;
    image.samples()[1] = 99f;
    assertArrayEquals(new float[] {1f, 2f}, image.samples(), 0f);
  }

  @Test
  void wrapTakesTheArrayWithoutCopyingAndChecksItAllTheSame() {
    float[] samples = {1f, 2f};
    DecodedImage wrapped = DecodedImage.wrap(1, 1, 2, 8, samples);
    assertSame(samples, wrapped.floatsForReading());
    assertEquals(new DecodedImage(1, 1, 2, 8, samples), wrapped);
    assertThrows(IllegalArgumentException.class, () -> DecodedImage.wrap(1, 1, 1, 8, new float[] {Float.NaN}));
    assertThrows(IllegalArgumentException.class, () -> DecodedImage.wrap(1, 1, 3, 8, new float[2]));
    assertThrows(IllegalArgumentException.class, () -> DecodedImage.wrap(1, 1, 1, 8, null));
  }

  @Test
  void byteImagesReadAsTheirValuesAndEqualTheSameFloats() {
    byte[] samples = {0, 1, (byte) 128, (byte) 255};
    DecodedImage bytes = DecodedImage.wrapBytes(1, 2, 2, 8, samples);
    float[] values = {0f, 1f, 128f, 255f};
    assertArrayEquals(values, bytes.samples(), 0f);
    float[] row = new float[2];
    bytes.readRow(0, 1, row);
    assertArrayEquals(new float[] {128f, 255f}, row, 0f);
    DecodedImage floats = new DecodedImage(1, 2, 2, 8, values);
    assertEquals(floats, bytes);
    assertEquals(bytes, floats);
    assertEquals(floats.hashCode(), bytes.hashCode());
    assertEquals(bytes, DecodedImage.wrapBytes(1, 2, 2, 8, samples.clone()));
    assertNotEquals(bytes, DecodedImage.wrapBytes(1, 2, 2, 8, new byte[] {0, 1, (byte) 128, (byte) 254}));
    assertThrows(IllegalArgumentException.class, () -> DecodedImage.wrapBytes(1, 1, 3, 8, new byte[2]));
    assertThrows(IllegalArgumentException.class, () -> DecodedImage.wrapBytes(1, 1, 1, 16, new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> DecodedImage.wrapBytes(1, 1, 1, 8, null));
  }

  @Test
  void decodedImagesWithEqualSamplesAreEqual() {
    DecodedImage a = new DecodedImage(1, 1, 2, 8, new float[] {1f, 2f});
    assertEquals(a, new DecodedImage(1, 1, 2, 8, new float[] {1f, 2f}));
    assertEquals(a.hashCode(), new DecodedImage(1, 1, 2, 8, new float[] {1f, 2f}).hashCode());
    assertNotEquals(a, new DecodedImage(1, 1, 2, 8, new float[] {1f, 3f}));
  }

  @Test
  void imageLimitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new ImageLimits(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ImageLimits(1, -1));
    assertEquals(64L * 1024 * 1024, ImageLimits.DEFAULT.maxBytes());
    assertEquals(100_000_000L, ImageLimits.DEFAULT.maxPixels());
  }
}
