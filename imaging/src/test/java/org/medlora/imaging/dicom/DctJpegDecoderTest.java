package org.medlora.imaging.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.medlora.imaging.testing.DicomTools.dcmtk;
import static org.medlora.imaging.testing.DicomTools.grayImage;
import static org.medlora.imaging.testing.DicomTools.pydicom;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.imaging.UnsupportedImageException.Reason;

/**
 * The DCT JPEG decoder against the field's decoders: 12-bit streams made by dcmtk's
 * {@code dcmcjpeg +ee} against {@code dcmdjpeg}'s decode of the same file, 8-bit streams with
 * restart intervals against the JDK's libjpeg-based reader, both exactly (same IDCT); damaged
 * streams only ever as {@link UnsupportedImageException}.
 */
class DctJpegDecoderTest {

  // Not multiples of 8: the decoder must crop the last row and column of blocks.
  private static final int ROWS = 45;
  private static final int COLUMNS = 61;

  @Test
  void twelveBitJpegExtendedEqualsDcmtksDecodeExactly() throws Exception {
    byte[] source = gray12(twelveBitScene());
    for (List<String> options : List.of(List.of("+ee"), List.of("+ee", "+q", "50"),
        List.of("+ee", "+q", "100"), List.of("+ee", "-ho"))) {
      byte[] lossy = dcmtk(source, "dcmcjpeg", options.toArray(String[]::new));
      DicomFile file = parse(lossy);
      assertEquals(TransferSyntax.JPEG_EXTENDED, file.transferSyntax());
      int[] expected = u16(parse(dcmtk(lossy, "dcmdjpeg")).dataset().bytes(Tag.PIXEL_DATA));
      int[] decoded = DctJpegDecoder.decode(jpeg(file), COLUMNS, ROWS);
      assertArrayEquals(expected, decoded, options.toString());
    }
  }

  @Test
  void eightBitWithRestartIntervalsEqualsTheJdkReader() throws Exception {
    BufferedImage image = new BufferedImage(COLUMNS, ROWS, BufferedImage.TYPE_BYTE_GRAY);
    Random random = new Random(7);
    for (int y = 0; y < ROWS; y++) {
      for (int x = 0; x < COLUMNS; x++) {
        image.getRaster().setSample(x, y, 0, x * 4 + (x > 30 ? 60 : 0) + random.nextInt(9));
      }
    }
    for (int interval : new int[] {0, 1, 5}) {
      byte[] jpeg = jdkJpeg(image, interval);
      int[] expected = ImageIO.read(new ByteArrayInputStream(jpeg)).getRaster()
          .getSamples(0, 0, COLUMNS, ROWS, 0, (int[]) null);
      assertArrayEquals(expected, DctJpegDecoder.decode(jpeg, COLUMNS, ROWS),
          "restart interval " + interval);
    }
  }

  @Test
  void aFrameHeaderThatDisagreesWithTheDicomHeaderIsRefusedBeforeDecoding() throws Exception {
    byte[] jpeg = jpeg(parse(dcmtk(gray12(twelveBitScene()), "dcmcjpeg", "+ee")));
    UnsupportedImageException e = assertThrows(UnsupportedImageException.class,
        () -> DctJpegDecoder.decode(jpeg, 60000, 60000));
    assertEquals(Reason.CORRUPT, e.reason());
    assertTrue(e.getMessage().contains("declares 61x45"), e.getMessage());
  }

  @Test
  void otherJpegProcessesAreRefusedAsUnsupported() throws Exception {
    byte[] lossless = jpeg(parse(dcmtk(gray12(twelveBitScene()), "dcmcjpeg", "+e1")));
    UnsupportedImageException e = assertThrows(UnsupportedImageException.class,
        () -> DctJpegDecoder.decode(lossless, COLUMNS, ROWS));
    assertEquals(Reason.UNSUPPORTED_FORMAT, e.reason());
    assertTrue(e.getMessage().contains("SOF0, SOF1"), e.getMessage());
  }

  @Test
  void damagedStreamsAreRefusedAsCorruptAndNeverThrowAnythingElse() throws Exception {
    byte[] jpeg = jpeg(parse(dcmtk(gray12(twelveBitScene()), "dcmcjpeg", "+ee")));
    for (int length : new int[] {0, 1, 2, 50, 200, jpeg.length / 2, jpeg.length - 3}) {
      UnsupportedImageException e = assertThrows(UnsupportedImageException.class,
          () -> DctJpegDecoder.decode(Arrays.copyOf(jpeg, length), COLUMNS, ROWS));
      assertEquals(Reason.CORRUPT, e.reason(), "truncated to " + length + ": " + e.getMessage());
    }
    // Every header byte and a sample of entropy-coded bytes set to values that break things.
    Random random = new Random(11);
    for (int i = 0; i < jpeg.length; i += i < 200 ? 1 : 1 + random.nextInt(16)) {
      for (int value : new int[] {0x00, 0xFF, 0x7F, 0xC2, jpeg[i] ^ 0x10}) {
        byte[] damaged = jpeg.clone();
        damaged[i] = (byte) value;
        try {
          DctJpegDecoder.decode(damaged, COLUMNS, ROWS);
        } catch (UnsupportedImageException expected) {
          // refused with a reason: what a damaged stream must give
        } catch (RuntimeException e) {
          fail("byte " + i + " set to " + value + " threw " + e, e);
        }
      }
    }
  }

  // ---- helpers ----

  /** A gradient with a bright disc, hard edges and noise, clipping at 0 and 4095. */
  static int[] twelveBitScene() {
    Random random = new Random(3);
    int[] v = new int[ROWS * COLUMNS];
    for (int y = 0; y < ROWS; y++) {
      for (int x = 0; x < COLUMNS; x++) {
        double dx = x - 30;
        double dy = y - 20;
        int value = dx * dx + dy * dy < 100 ? 4095 : x < 6 ? 0 : 60 * x + 9 * y;
        v[y * COLUMNS + x] = Math.max(0, Math.min(4095, value + random.nextInt(41) - 20));
      }
    }
    return v;
  }

  private static byte[] gray12(int[] values) {
    byte[] pixels = new byte[2 * values.length];
    for (int i = 0; i < values.length; i++) {
      pixels[2 * i] = (byte) values[i];
      pixels[2 * i + 1] = (byte) (values[i] >>> 8);
    }
    return pydicom(grayImage(ROWS, COLUMNS, 16, 12, false), Map.of(), pixels);
  }

  private static DicomFile parse(byte[] file) throws UnsupportedImageException {
    return DicomParser.parse(file, 1L << 30);
  }

  /** The JPEG stream of a single-frame file (its fragments after the offset table). */
  private static byte[] jpeg(DicomFile file) {
    List<byte[]> fragments = file.dataset().fragments(Tag.PIXEL_DATA);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] fragment : fragments.subList(1, fragments.size())) {
      out.writeBytes(fragment);
    }
    return out.toByteArray();
  }

  private static int[] u16(byte[] b) {
    int[] v = new int[b.length / 2];
    for (int i = 0; i < v.length; i++) {
      v[i] = (b[2 * i] & 0xFF) | (b[2 * i + 1] & 0xFF) << 8;
    }
    return v;
  }

  /** The JDK's JPEG writer, with a DRI marker segment when {@code interval > 0}. */
  private static byte[] jdkJpeg(BufferedImage image, int interval) throws Exception {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    IIOMetadata metadata = writer.getDefaultImageMetadata(
        ImageTypeSpecifier.createFromRenderedImage(image), null);
    if (interval > 0) {
      String format = "javax_imageio_jpeg_image_1.0";
      IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
      IIOMetadataNode dri = new IIOMetadataNode("dri");
      dri.setAttribute("interval", Integer.toString(interval));
      IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence")
          .item(0);
      markers.insertBefore(dri, markers.getFirstChild());
      metadata.setFromTree(format, root);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(new IIOImage(image, null, metadata));
    } finally {
      writer.dispose();
    }
    byte[] jpeg = out.toByteArray();
    boolean hasDri = false;
    for (int i = 0; i + 1 < jpeg.length; i++) {
      hasDri |= (jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDD;
    }
    assertEquals(interval > 0, hasDri, "the writer honours the restart interval");
    return jpeg;
  }
}
