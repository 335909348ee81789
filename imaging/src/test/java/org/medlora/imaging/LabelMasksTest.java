package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
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

  @Test
  void everyClassIndexAndEveryRowChangeSurvivesThePngExactly() throws Exception {
    // Random rows (the "Up" filter's differences wrap around 256), repeated rows (they filter
    // to zeros) and all 256 byte values, read back by the JDK's own PNG reader.
    int h = 67;
    int w = 129;
    byte[] mask = new byte[h * w];
    Random random = new Random(7);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        mask[y * w + x] = y % 3 == 1 ? mask[(y - 1) * w + x] : (byte) random.nextInt(256);
      }
    }
    byte[] png = LabelMasks.toPng(mask, h, w);
    BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, read.getType());
    assertEquals(w, read.getWidth());
    assertEquals(h, read.getHeight());
    assertArrayEquals(mask, ((DataBufferByte) read.getRaster().getDataBuffer()).getData());
  }

  @Test
  void aMaskWrittenAtAnotherSizeIsTheNearestResizeOfIt() throws Exception {
    // Rows repeat when upsampling and are skipped when downsampling; random classes in between.
    Random random = new Random(11);
    byte[] mask = new byte[13 * 7];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = (byte) random.nextInt(4);
    }
    for (int[] size : new int[][] {{40, 23}, {5, 3}, {13, 7}, {1, 1}}) {
      byte[] png = LabelMasks.toPng(mask, 13, 7, size[0], size[1]);
      BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
      assertEquals(size[1], read.getWidth());
      assertEquals(size[0], read.getHeight());
      assertArrayEquals(LabelMasks.resizeNearest(mask, 13, 7, size[0], size[1]),
          ((DataBufferByte) read.getRaster().getDataBuffer()).getData(), size[0] + "x" + size[1]);
    }
  }

  @Test
  void everyChunkCarriesTheCrcOfItsTypeAndData() {
    // The JDK's reader skips CRCs; libpng, browsers and Pillow refuse a PNG whose CRCs are wrong.
    byte[] png = LabelMasks.toPng(new byte[] {0, 1, 1, 0, 2, 2}, 2, 3);
    ByteBuffer in = ByteBuffer.wrap(png);
    in.position(8); // the signature
    List<String> types = new ArrayList<>();
    while (in.hasRemaining()) {
      int length = in.getInt();
      byte[] typeAndData = new byte[4 + length];
      in.get(typeAndData);
      CRC32 crc = new CRC32();
      crc.update(typeAndData);
      String type = new String(typeAndData, 0, 4, StandardCharsets.US_ASCII);
      assertEquals((int) crc.getValue(), in.getInt(), "CRC of " + type);
      types.add(type);
    }
    assertEquals(List.of("IHDR", "IDAT", "IEND"), types);
  }

  @Test
  void anEmptyMaskIsRefusedRatherThanWrittenAsABrokenPng() {
    assertThrows(IllegalArgumentException.class, () -> LabelMasks.toPng(new byte[0], 0, 5));
  }
}
