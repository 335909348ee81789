package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.imaging.UnsupportedImageException.Reason;

class ImageDecoderTest {

  private static final ImageLimits LIMITS = ImageLimits.DEFAULT;

  // ---------------------------------------------------------------- accepted inputs

  @Test
  void eightBitGrayPngDecodesToOneChannelWithExactValues() throws Exception {
    int w = 7;
    int h = 5;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.getRaster().setSample(x, y, 0, (x * 37 + y * 53) % 256);
      }
    }
    DecodedImage decoded = ImageDecoder.decode(encode(image, "png"), LIMITS);
    assertShape(decoded, 1, h, w, 8);
    float[] s = decoded.samples();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        assertEquals((x * 37 + y * 53) % 256, s[y * w + x], 0f, "x=" + x + " y=" + y);
      }
    }
  }

  @Test
  void sixteenBitGrayPngIsScaledTo255() throws Exception {
    int[] values = {0, 1, 257, 12345, 32768, 65534, 65535};
    BufferedImage image = new BufferedImage(values.length, 1, BufferedImage.TYPE_USHORT_GRAY);
    for (int x = 0; x < values.length; x++) {
      image.getRaster().setSample(x, 0, 0, values[x]);
    }
    DecodedImage decoded = ImageDecoder.decode(encode(image, "png"), LIMITS);
    assertShape(decoded, 1, 1, values.length, 16);
    float[] s = decoded.samples();
    for (int x = 0; x < values.length; x++) {
      // float32 spacing near 255 is 1.5e-5, so 2e-5 allows only the final rounding.
      assertEquals(values[x] * 255.0 / 65535.0, s[x], 2e-5, "value " + values[x]);
    }
    assertEquals(1f, s[2], 0f); // 257 * 255 / 65535 = 1 exactly
    assertEquals(255f, s[6], 0f);
  }

  @Test
  void sixteenBitRgbPngIsScaledTo255PerChannel() throws Exception {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
    raster.setPixel(0, 0, new int[] {65535, 0, 257});
    raster.setPixel(1, 0, new int[] {1000, 40000, 65535});
    BufferedImage image = new BufferedImage(cm, raster, false, null);
    DecodedImage decoded = ImageDecoder.decode(encode(image, "png"), LIMITS);
    assertShape(decoded, 3, 1, 2, 16);
    double k = 255.0 / 65535.0;
    double[] expected = {65535 * k, 1000 * k, 0, 40000 * k, 257 * k, 65535 * k};
    float[] s = decoded.samples();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], s[i], 2e-5, "sample " + i);
    }
  }

  @Test
  void rgbPngDecodesToRgbPlanesInOrder() throws Exception {
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xff0000);
    image.setRGB(1, 0, 0x00ff00);
    image.setRGB(0, 1, 0x0000ff);
    image.setRGB(1, 1, 0x102030);
    DecodedImage decoded = ImageDecoder.decode(encode(image, "png"), LIMITS);
    assertShape(decoded, 3, 2, 2, 8);
    float[] expected = {
      255, 0, 0, 0x10, // R plane
      0, 255, 0, 0x20, // G plane
      0, 0, 255, 0x30, // B plane
    };
    assertArrayEquals(expected, decoded.samples(), 0f);
  }

  @Test
  void rgbaPngDropsAlphaAndKeepsTheColourOfTransparentPixels() throws Exception {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0x00_40_80_c0); // fully transparent
    image.setRGB(1, 0, 0x80_0a_14_1e); // half transparent
    DecodedImage decoded = ImageDecoder.decode(encode(image, "png"), LIMITS);
    assertShape(decoded, 3, 1, 2, 8);
    assertArrayEquals(
        new float[] {0x40, 0x0a, 0x80, 0x14, 0xc0, 0x1e}, decoded.samples(), 0f);
  }

  @Test
  void grayAlphaPngBecomesGray() throws Exception {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY),
            true,
            false,
            Transparency.TRANSLUCENT,
            DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(3, 1);
    raster.setPixel(0, 0, new int[] {10, 255});
    raster.setPixel(1, 0, new int[] {128, 0});
    raster.setPixel(2, 0, new int[] {250, 77});
    BufferedImage image = new BufferedImage(cm, raster, false, null);
    DecodedImage decoded = ImageDecoder.decode(encode(image, "png"), LIMITS);
    assertShape(decoded, 1, 1, 3, 8);
    assertArrayEquals(new float[] {10, 128, 250}, decoded.samples(), 0f);
  }

  @Test
  void palettePngExpandsToRgb() throws Exception {
    byte[] r = {(byte) 255, 0, 0, 7};
    byte[] g = {0, (byte) 200, 0, 8};
    byte[] b = {0, 0, (byte) 100, 9};
    IndexColorModel palette = new IndexColorModel(8, 4, r, g, b);
    BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
    for (int x = 0; x < 4; x++) {
      image.getRaster().setSample(x, 0, 0, 3 - x);
    }
    byte[] png = encode(image, "png");
    assertEquals(3, png[25], "test setup: PNG colour type must be palette");
    DecodedImage decoded = ImageDecoder.decode(png, LIMITS);
    assertEquals(3, decoded.channels());
    assertArrayEquals(
        new float[] {
          7, 0, 0, 255, // R of indices 3, 2, 1, 0
          8, 0, 200, 0, // G
          9, 100, 0, 0, // B
        },
        decoded.samples(),
        0f);
  }

  @Test
  void oneBitGrayPngStaysGrayWithFullScaleValues() throws Exception {
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
    image.getRaster().setSample(1, 0, 0, 1);
    byte[] png = encode(image, "png");
    DecodedImage decoded = ImageDecoder.decode(png, LIMITS);
    assertShape(decoded, 1, 1, 3, 1);
    assertArrayEquals(new float[] {0, 255, 0}, decoded.samples(), 0f);
  }

  @Test
  void grayJpegDecodesToOneChannelCloseToTheSource() throws Exception {
    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        image.getRaster().setSample(x, y, 0, x < 8 ? 60 : 190);
      }
    }
    DecodedImage decoded = ImageDecoder.decode(jpeg(image), LIMITS);
    assertShape(decoded, 1, 16, 16, 8);
    float[] s = decoded.samples();
    // Lossy: quality 1.0 on 8x8-aligned flat blocks reconstructs within a couple of levels.
    assertEquals(60f, s[3 * 16 + 2], 2f);
    assertEquals(190f, s[12 * 16 + 13], 2f);
  }

  @Test
  void rgbJpegDecodesToRgbPlanesCloseToTheSource() throws Exception {
    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        image.setRGB(x, y, 0xc81e5a); // (200, 30, 90)
      }
    }
    DecodedImage decoded = ImageDecoder.decode(jpeg(image), LIMITS);
    assertShape(decoded, 3, 16, 16, 8);
    float[] s = decoded.samples();
    int plane = 16 * 16;
    // YCbCr round trip of a flat colour: within 3 levels; a swapped R/B would be off by 110.
    assertEquals(200f, s[5 * 16 + 5], 3f);
    assertEquals(30f, s[plane + 5 * 16 + 5], 3f);
    assertEquals(90f, s[2 * plane + 5 * 16 + 5], 3f);
  }

  /** Flat patches, 8x16 each, left to right: what the CMYK and YCCK tests encode. */
  private static final int[][] PATCHES = {{200, 30, 90}, {30, 160, 220}, {51, 51, 51}, {204, 204, 204}};

  @Test
  void cmykJpegFromPillowDecodesToRgbCloseToItsColours() throws Exception {
    // Made with Debian's python3-pil: the patches as an RGB image, .convert("CMYK"), saved as
    // JPEG at quality 100 without chroma subsampling; Adobe-inverted CMYK, transform 0.
    byte[] cmyk = resource("jpeg/cmyk.jpg");
    assertEquals(0, adobeTransform(cmyk), "plain CMYK, no colour transform");
    assertPatches(ImageDecoder.decode(cmyk, LIMITS), 4f);
  }

  @Test
  void ycckJpegFromImageMagickDecodesToRgbCloseToItsColours() throws Exception {
    // Made with `convert <the patches>.png -colorspace CMYK -quality 100 ycck.jpg`: ImageMagick
    // (libjpeg) stores CMYK as YCCK.
    byte[] ycck = resource("jpeg/ycck.jpg");
    assertEquals(2, adobeTransform(ycck), "YCCK");
    assertPatches(ImageDecoder.decode(ycck, LIMITS), 4f);
  }

  @Test
  void aJpegIsTurnedUprightByItsExifOrientation() throws Exception {
    // 40x20 stored, gray 60 with a white 10x5 block at the top left; EXIF orientation 6 (turn
    // 90 degrees clockwise to display), written by exiftool.
    DecodedImage d = ImageDecoder.decode(resource("jpeg/exif-orientation-6.jpg"), LIMITS);
    assertShape(d, 1, 40, 20, 8);
    float[] s = d.samples();
    assertEquals(255f, s[4 * 20 + 17], 3f, "the block is at the top right once turned");
    assertEquals(60f, s[4 * 20 + 2], 3f);
    assertEquals(60f, s[30 * 20 + 17], 3f);
  }

  @Test
  void theDisplayedSizeComesFromTheHeaderTurnedAsTheDecoderTurnsThePixels(@TempDir Path dir) throws Exception {
    Path turned = Files.write(dir.resolve("turned.jpg"), resource("jpeg/exif-orientation-6.jpg"));
    DecodedImage d = ImageDecoder.decode(turned, LIMITS);
    assertEquals(new ImageSize(d.width(), d.height()), ImageDecoder.displayedSize(turned));
    assertEquals(new ImageSize(20, 40), ImageDecoder.displayedSize(turned), "stored 40x20");
  }

  @Test
  void aFileIsDecodedLikeItsBytes(@TempDir Path dir) throws Exception {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setSample(2, 1, 0, 42);
    byte[] png = encode(image, "png");
    Path file = dir.resolve("scan.png");
    Files.write(file, png);
    assertEquals(ImageDecoder.decode(png, LIMITS), ImageDecoder.decode(file, LIMITS));
  }

  @Test
  void imagesExactlyAtTheLimitsAreAccepted() throws Exception {
    byte[] png = encode(new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY), "png");
    DecodedImage decoded = ImageDecoder.decode(png, new ImageLimits(png.length, 100));
    assertShape(decoded, 1, 10, 10, 8);
  }

  // ---------------------------------------------------------------- refused inputs

  @Test
  void randomBytesAreAnUnsupportedFormat() {
    byte[] noise = new byte[1000];
    new Random(42).nextBytes(noise);
    UnsupportedImageException e = refuse(noise, Reason.UNSUPPORTED_FORMAT);
    assertMessage(e, "unrecognized data", "PNG or JPEG");
  }

  @Test
  void emptyInputIsCorrupt() {
    assertMessage(refuse(new byte[0], Reason.CORRUPT), "empty", "PNG or JPEG");
  }

  @Test
  void aPngCutInHalfIsCorrupt() throws Exception {
    byte[] png = encode(noiseImage(64, 64, BufferedImage.TYPE_INT_RGB), "png");
    UnsupportedImageException e = refuse(Arrays.copyOf(png, png.length / 2), Reason.CORRUPT);
    assertMessage(e, "PNG", "damaged");
  }

  @Test
  void aJpegCutInHalfIsCorruptEvenThoughTheReaderOnlyWarns() throws Exception {
    byte[] jpeg = jpeg(noiseImage(128, 128, BufferedImage.TYPE_INT_RGB));
    UnsupportedImageException e = refuse(Arrays.copyOf(jpeg, jpeg.length / 2), Reason.CORRUPT);
    assertMessage(e, "JPEG", "damaged");
  }

  @Test
  void gifIsRefusedAndNamed() throws Exception {
    byte[] gif = encode(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED), "gif");
    assertMessage(refuse(gif, Reason.UNSUPPORTED_FORMAT), "GIF", "accepted: PNG or JPEG");
  }

  @Test
  void bmpIsRefusedAndNamed() throws Exception {
    byte[] bmp = encode(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR), "bmp");
    assertMessage(refuse(bmp, Reason.UNSUPPORTED_FORMAT), "BMP", "accepted: PNG or JPEG");
  }

  @Test
  void tiffIsRefusedAndNamed() throws Exception {
    byte[] tiff = encode(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY), "tiff");
    assertMessage(refuse(tiff, Reason.UNSUPPORTED_FORMAT), "TIFF");
  }

  @Test
  void pixelLimitIsEnforcedFromTheHeaderWithoutDecoding() throws Exception {
    // Only a signature and IHDR claiming 100000 x 100000: no pixel data exists, so a decode
    // attempt would report CORRUPT; TOO_LARGE proves the header alone decided.
    byte[] bomb = pngHeaderOnly(100_000, 100_000);
    UnsupportedImageException e = refuse(bomb, Reason.TOO_LARGE);
    assertMessage(e, "100000x100000", "10000000000 pixels", "100000000 pixels");
  }

  @Test
  void pixelLimitOneBelowTheImageSizeRefusesIt() throws Exception {
    byte[] png = encode(new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY), "png");
    UnsupportedImageException e =
        assertThrows(
            UnsupportedImageException.class,
            () -> ImageDecoder.decode(png, new ImageLimits(1 << 20, 99)));
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertMessage(e, "10x10", "99 pixels");
  }

  @Test
  void inputOverTheByteLimitIsTooLarge() throws Exception {
    byte[] png = encode(new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY), "png");
    UnsupportedImageException e =
        assertThrows(
            UnsupportedImageException.class,
            () -> ImageDecoder.decode(png, new ImageLimits(png.length - 1, 1000)));
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertMessage(e, png.length + " bytes", "limit of " + (png.length - 1) + " bytes");
  }

  @Test
  void zeroSizePngIsCorrupt() {
    assertMessage(refuse(pngHeaderOnly(0, 5), Reason.CORRUPT), "PNG");
  }

  @Test
  void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("not-an-image.png");
    Files.writeString(file, "hello");
    UnsupportedImageException e =
        assertThrows(UnsupportedImageException.class, () -> ImageDecoder.decode(file, LIMITS));
    assertEquals(Reason.UNSUPPORTED_FORMAT, e.reason());
    assertMessage(e, "not-an-image.png", "unrecognized data");
  }

  @Test
  void oversizedFileIsRefusedBeforeReading(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("big.png");
    Files.write(file, new byte[2048]);
    UnsupportedImageException e =
        assertThrows(
            UnsupportedImageException.class,
            () -> ImageDecoder.decode(file, new ImageLimits(1024, 1000)));
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertMessage(e, "big.png", "2048 bytes");
  }

  @Test
  void missingFileIsAnIoErrorNotAnImageError(@TempDir Path dir) {
    assertThrows(IOException.class, () -> ImageDecoder.decode(dir.resolve("nope.png"), LIMITS));
  }

  @Test
  void damagedImagesNeverEscapeAsRuntimeExceptions() throws Exception {
    byte[][] valid = {
      encode(noiseImage(24, 24, BufferedImage.TYPE_INT_RGB), "png"),
      jpeg(noiseImage(24, 24, BufferedImage.TYPE_INT_RGB)),
    };
    Random random = new Random(7);
    int refused = 0;
    for (byte[] original : valid) {
      for (int trial = 0; trial < 150; trial++) {
        byte[] damaged = original.clone();
        int flips = 1 + random.nextInt(8);
        for (int f = 0; f < flips; f++) {
          // Keep the signature so the damage reaches the ImageIO readers.
          damaged[8 + random.nextInt(damaged.length - 8)] = (byte) random.nextInt(256);
        }
        try {
          // Tight limits: a damaged header may claim a huge canvas, which is not under test.
          ImageDecoder.decode(damaged, new ImageLimits(1 << 20, 10_000));
        } catch (UnsupportedImageException expected) {
          refused++;
        }
      }
    }
    assertTrue(refused > 0, "the mutations never produced a refusal; the test is not probing");
  }

  // ---------------------------------------------------------------- helpers

  private static UnsupportedImageException refuse(byte[] bytes, Reason reason) {
    UnsupportedImageException e =
        assertThrows(UnsupportedImageException.class, () -> ImageDecoder.decode(bytes, LIMITS));
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(
          e.getMessage().contains(part), "message lacks \"" + part + "\": " + e.getMessage());
    }
  }

  private static void assertShape(DecodedImage d, int channels, int h, int w, int bitDepth) {
    assertEquals(channels, d.channels(), "channels");
    assertEquals(h, d.height(), "height");
    assertEquals(w, d.width(), "width");
    assertEquals(bitDepth, d.bitDepth(), "bitDepth");
    assertEquals(channels * h * w, d.samples().length, "sample count");
  }

  private static BufferedImage noiseImage(int w, int h, int type) {
    BufferedImage image = new BufferedImage(w, h, type);
    Random random = new Random(w * 31L + h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out), "no ImageIO writer for " + format);
    return out.toByteArray();
  }

  private static byte[] jpeg(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(1.0f);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    byte[] bytes = out.toByteArray();
    assertFalse(bytes.length < 4, "JPEG writer produced nothing");
    return bytes;
  }

  private static void assertPatches(DecodedImage d, float tolerance) {
    assertShape(d, 3, 16, 32, 8);
    float[] s = d.samples();
    int plane = 16 * 32;
    for (int p = 0; p < PATCHES.length; p++) {
      int centre = 8 * 32 + p * 8 + 4;
      for (int c = 0; c < 3; c++) {
        assertEquals(PATCHES[p][c], s[c * plane + centre], tolerance,
            "patch " + p + " channel " + c);
      }
    }
  }

  /** The colour transform byte of a JPEG's Adobe APP14 segment (0 none, 1 YCbCr, 2 YCCK). */
  private static int adobeTransform(byte[] jpeg) {
    for (int i = 2; i + 16 < jpeg.length; i++) {
      if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xee
          && new String(jpeg, i + 4, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("Adobe")) {
        return jpeg[i + 4 + 11] & 0xff;
      }
    }
    throw new AssertionError("no Adobe APP14 segment");
  }

  private static byte[] resource(String name) throws IOException {
    try (var in = ImageDecoderTest.class.getResourceAsStream("/" + name)) {
      assertTrue(in != null, "missing test resource " + name);
      return in.readAllBytes();
    }
  }

  /** A PNG signature and an 8-bit gray IHDR chunk with a valid CRC, and nothing else. */
  private static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer chunk = ByteBuffer.allocate(17);
    chunk.put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    chunk.putInt(width).putInt(height);
    chunk.put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(chunk.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    png.putInt(13).put(chunk.array()).putInt((int) crc.getValue());
    return png.array();
  }
}
