package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {

  /** 3 wide, 2 high: 1 2 3 over 4 5 6. */
  private static final DecodedImage STORED =
      new DecodedImage(1, 2, 3, 8, new float[] {1, 2, 3, 4, 5, 6});

  @Test
  void eachOfTheEightOrientationsShowsTheImageAsItsExifValueDefines() {
    // Row by row, as the image is displayed; values 5 to 8 exchange width and height.
    List<float[]> displayed = List.of(
        new float[] {1, 2, 3, 4, 5, 6}, // 1: as stored
        new float[] {3, 2, 1, 6, 5, 4}, // 2: mirrored left to right
        new float[] {6, 5, 4, 3, 2, 1}, // 3: turned 180 degrees
        new float[] {4, 5, 6, 1, 2, 3}, // 4: mirrored top to bottom
        new float[] {1, 4, 2, 5, 3, 6}, // 5: transposed
        new float[] {4, 1, 5, 2, 6, 3}, // 6: turned 90 degrees clockwise
        new float[] {6, 3, 5, 2, 4, 1}, // 7: transversed
        new float[] {3, 6, 2, 5, 1, 4}); // 8: turned 90 degrees counter-clockwise
    for (int v = 1; v <= 8; v++) {
      DecodedImage d = ExifOrientation.values()[v - 1].apply(STORED);
      assertEquals(v >= 5 ? 3 : 2, d.height(), "height for " + v);
      assertEquals(v >= 5 ? 2 : 3, d.width(), "width for " + v);
      assertArrayEquals(displayed.get(v - 1), d.samples(), "orientation " + v);
    }
  }

  @Test
  void anEightBitImageIsTurnedChannelByChannelAndStaysBytes() {
    // RGB, 3 wide and 2 high: each channel must move with the same remapping.
    byte[] rgb = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, (byte) 255};
    DecodedImage asBytes = DecodedImage.wrapBytes(3, 2, 3, 8, rgb);
    DecodedImage asFloats = new DecodedImage(3, 2, 3, 8, asBytes.samples());
    for (ExifOrientation orientation : ExifOrientation.values()) {
      DecodedImage turned = orientation.apply(asBytes);
      assertEquals(orientation.apply(asFloats), turned, orientation.name());
      // A float copy is made on every read of a byte image, never of a float one.
      assertNotSame(turned.floatsForReading(), turned.floatsForReading(), orientation.name());
    }
    assertArrayEquals(new float[] {6, 5, 4, 3, 2, 1, 16, 15, 14, 13, 12, 11, 255, 25, 24, 23, 22, 21},
        ExifOrientation.ROTATE_180.apply(asBytes).samples());
  }

  @Test
  void aJpegWithoutExifOrWithDamagedExifIsNormal() {
    byte[] soiSos = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xda, 0, 2};
    assertEquals(ExifOrientation.NORMAL, ExifOrientation.of(soiSos));
    // An APP1 Exif segment whose length runs past the end of the data.
    byte[] cut = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe1, 0x7f, 0x7f, 'E', 'x', 'i',
        'f', 0, 0, 'M', 'M'};
    assertEquals(ExifOrientation.NORMAL, ExifOrientation.of(cut));
  }
}
