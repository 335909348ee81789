package org.medlora.imaging.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.imaging.testing.DicomTools.dcmtk;
import static org.medlora.imaging.testing.DicomTools.grayImage;
import static org.medlora.imaging.testing.DicomTools.pydicom;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.imaging.UnsupportedImageException.Reason;
import org.medlora.imaging.testing.DicomTools;

/**
 * DICOM pixels as a viewer shows them, on files written by pydicom and converted by dcmtk:
 * every transfer syntax the service accepts, the Modality and VOI steps against values worked
 * out by hand from PS3.3, colour, frames, and every refusal (without patient data).
 */
class DicomImageDecoderTest {

  private static final ImageLimits LIMITS = ImageLimits.DEFAULT;
  private static final int MAX_FRAMES = 100;
  private static final int ROWS = 12;
  private static final int COLUMNS = 16;
  private static final int N = ROWS * COLUMNS;

  // ---- transfer syntaxes ----

  @Test
  void eightBitGrayWithoutWindowIsItsStoredValuesInEveryLittleEndianSyntax() throws Exception {
    int[] values = new int[N];
    for (int i = 0; i < N; i++) {
      values[i] = (i * 7) % 256;
    }
    byte[] explicit = gray8(values);
    assertSamples(values, decode(explicit), 0);
    byte[] implicit = dcmtk(explicit, "dcmconv", "+ti");
    assertEquals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, parse(implicit).transferSyntax());
    assertSamples(values, decode(implicit), 0);
    byte[] deflated = dcmtk(explicit, "dcmconv", "+td");
    assertEquals(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
        parse(deflated).transferSyntax());
    assertSamples(values, decode(deflated), 0);
  }

  @Test
  void jpegLosslessGivesTheStoredValuesExactly() throws Exception {
    byte[] twelveBit = gray12WithRescale(Map.of());
    DecodedImage uncompressed = decode(twelveBit);
    for (String option : List.of("+el", "+e1")) {
      byte[] lossless = dcmtk(twelveBit, "dcmcjpeg", option);
      assertTrue(parse(lossless).transferSyntax().jpeg(), option);
      assertEquals(uncompressed, decode(lossless), option);
    }
  }

  @Test
  void jpeg2000LosslessGivesTheStoredValuesExactly() throws Exception {
    byte[] twelveBit = gray12WithRescale(Map.of());
    byte[] j2k = DicomTools.jpeg2000(twelveBit, true);
    assertEquals(TransferSyntax.JPEG_2000_LOSSLESS, parse(j2k).transferSyntax());
    assertEquals(decode(twelveBit), decode(j2k));
    int[] values = new int[N];
    for (int i = 0; i < N; i++) {
      values[i] = (i * 37) % 256;
    }
    byte[] eightBit = gray8(values);
    assertEquals(decode(eightBit), decode(DicomTools.jpeg2000(eightBit, true)));
    int[] signed = new int[256];
    for (int i = 0; i < signed.length; i++) {
      signed[i] = (i * 16 - 2048) & 0xFFFF; // -2048 to 2032 as 16-bit two's complement
    }
    byte[] signed12 = pydicom(grayImage(16, 16, 16, 12, true), Map.of(), u16(signed));
    assertEquals(decode(signed12), decode(DicomTools.jpeg2000(signed12, true)));
  }

  @Test
  void lossyJpeg2000DecodesAsOpenJpegDecodesIt() throws Exception {
    byte[] twelveBit = gray12WithRescale(Map.of());
    // The irreversible 9/7 wavelet at 20:1.
    byte[] lossy = DicomTools.jpeg2000(twelveBit, false, "-I", "-r", "20");
    assertEquals(TransferSyntax.JPEG_2000, parse(lossy).transferSyntax());
    float[] reference = decode(DicomTools.jpeg2000Decoded(lossy)).samples();
    // JJ2000's and OpenJPEG's floating-point wavelets round differently: within one stored value
    // (255 / 4095 on this image's linear display scale).
    assertArrayEquals(reference, decode(lossy).samples(), 1.001f * 255 / 4095);
  }

  @Test
  void eightBitJpegBaselineAndExtendedDecodeAsDcmtkDecodesThem() throws Exception {
    int[] values = new int[N];
    for (int i = 0; i < N; i++) {
      values[i] = 40 + (i % COLUMNS) * 10;
    }
    byte[] original = gray8(values);
    for (String option : List.of("+eb", "+ee")) {
      byte[] lossy = dcmtk(original, "dcmcjpeg", option);
      // The reference is dcmtk's own decoder (dcmtk's lossy encoder shifts the pixel range,
      // so the original values are not the reference).
      DecodedImage reference = decode(dcmtk(lossy, "dcmdjpeg"));
      assertArrayEquals(reference.samples(), decode(lossy).samples(), 1f, option);
    }
  }

  @Test
  void twelveBitJpegExtendedDecodesAsDcmtkDecodesIt() throws Exception {
    byte[] extended = dcmtk(gray12WithRescale(Map.of()), "dcmcjpeg", "+ee");
    assertEquals(TransferSyntax.JPEG_EXTENDED, parse(extended).transferSyntax());
    // Exactly: the decoder uses dcmtk's IDCT (DctJpegDecoderTest compares the stored values).
    assertArrayEquals(decode(dcmtk(extended, "dcmdjpeg")).samples(), decode(extended).samples(),
        0f);
    // Damaged 12-bit JPEG data is a corrupt image, not an error of the server.
    byte[] damaged = extended.clone();
    int eoi = damaged.length - 2;
    while (!(damaged[eoi] == (byte) 0xFF && damaged[eoi + 1] == (byte) 0xD9)) {
      eoi--;
    }
    Arrays.fill(damaged, eoi - 4, eoi, (byte) 0xFF);
    assertRefused(Reason.CORRUPT, "damaged JPEG data", damaged);
  }

  @Test
  void damagedJpeg2000IsCorruptAndNeverAnotherException() throws Exception {
    byte[] j2k = DicomTools.jpeg2000(gray12WithRescale(Map.of()), true);
    int soc = 0;
    while (!(j2k[soc] == (byte) 0xFF && j2k[soc + 1] == 0x4F)) {
      soc++;
    }
    // The image offset moved far from the tile grid's origin: an impossible tiling, which made
    // JJ2000 exhaust the heap setting up tiles before it is checked here.
    byte[] tiling = j2k.clone();
    tiling[soc + 16] = 0x10; // XOsiz = 2^28
    tiling[soc + 8] = 0x10; // Xsiz = 2^28 + 16
    assertRefused(Reason.CORRUPT, "impossible tiling", tiling);
    // Scod (after SOC, SIZ for one component and the COD marker and length) says that EPH
    // markers end each packet header, but none do: JJ2000 throws a java.lang.Error.
    byte[] eph = j2k.clone();
    eph[soc + 49] = 0x04;
    assertRefused(Reason.CORRUPT, "EPH marker", eph);
    // Garbage after the main header.
    byte[] garbage = j2k.clone();
    // (The file ends with the 8 bytes of the fragments' sequence delimiter.)
    Arrays.fill(garbage, soc + 50, garbage.length - 8, (byte) 0x5A);
    assertRefused(Reason.CORRUPT, "damaged JPEG 2000 data", garbage);
    // Each byte of the main header set to values that break things: refused or decoded, never
    // an exception of another kind.
    for (int i = soc; i < soc + 120; i++) {
      for (int value : new int[] {0x00, 0xFF, j2k[i] ^ 0x40}) {
        byte[] damaged = j2k.clone();
        damaged[i] = (byte) value;
        try {
          decode(damaged);
        } catch (UnsupportedImageException expected) {
          assertEquals(Reason.CORRUPT, expected.reason(), expected.getMessage());
        }
      }
    }
  }

  @Test
  void otherTransferSyntaxesAreRefusedByName() {
    byte[] rle = dcmtk(gray8(new int[N]), "dcmcrle");
    UnsupportedImageException e = assertThrows(UnsupportedImageException.class,
        () -> decode(rle));
    assertEquals(Reason.UNSUPPORTED_FORMAT, e.reason());
    assertTrue(e.getMessage().contains("RLE Lossless (1.2.840.10008.1.2.5)"), e.getMessage());
  }

  // ---- Modality LUT, VOI, MONOCHROME1 ----

  @Test
  void rescaleThenTheFirstWindowAsPs33Defines() throws Exception {
    // slope 2, intercept -1024; window centre 1000, width 400 (the second window is ignored).
    DecodedImage image = decode(gray12WithRescale(Map.of(
        "WindowCenter", List.of(1000, 50), "WindowWidth", List.of(400, 10))));
    float[] s = image.samples();
    // Stored v sits at index v / 16 (see gray12WithRescale). Worked out by hand from
    // PS3.3 C.11.2.1.2.1: y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255 inside the window.
    assertEquals(0f, s[512 / 16], 0f, "x = 0 lies below c - 0.5 - (w-1)/2 = 800");
    assertEquals(0f, s[912 / 16], 0f, "x = 800 is the window's lower edge");
    assertEquals(20.4511f, s[928 / 16], 1e-3f, "x = 832: ((832 - 999.5) / 399 + 0.5) * 255");
    assertEquals(122.7068f, s[1008 / 16], 1e-3f, "x = 992: ((992 - 999.5) / 399 + 0.5) * 255");
    assertEquals(255f, s[1216 / 16], 0f, "x = 1408 lies above 1199");
  }

  @Test
  void theRequestsWindowReplacesTheFilesOwn() throws Exception {
    DicomFile file = parse(gray12WithRescale(Map.of("WindowCenter", 1000, "WindowWidth", 400)));
    DecodedImage image = DicomImageDecoder.decode(file,
        new DicomImageDecoder.Request(1, Optional.of(new Window(0, 1001))), LIMITS, MAX_FRAMES);
    // x = 0 at stored 512: ((0 + 0.5) / 1000 + 0.5) * 255 = 127.6275
    assertEquals(127.6275f, image.samples()[512 / 16], 1e-3f);
  }

  @Test
  void withoutAWindowTheWholeStoredRangeIsShownAndMonochrome1IsInverted() throws Exception {
    Map<String, Object> a = grayImage(1, 4, 16, 12, true);
    a.put("PhotometricInterpretation", "MONOCHROME1");
    // 12 signed bits in 16: -2048, -1, 0, 2047; the unused high bits of -1 are set, as some
    // modalities leave them, and must be masked off.
    byte[] file = pydicom(a, Map.of(), u16(0x0800, 0xFFFF, 0x0000, 0x07FF));
    float[] s = decode(file).samples();
    // Linear over -2048..2047, then inverted: 255 - (v + 2048) * 255 / 4095.
    assertArrayEquals(new float[] {255f, 127.5311f, 127.4689f, 0f}, s, 1e-3f);
  }

  @Test
  void aVoiLutSequenceMapsTheModalityValues() throws Exception {
    Map<String, Object> a = grayImage(1, 3, 16, 10, false);
    int[] lut = new int[1024];
    for (int i = 0; i < lut.length; i++) {
      lut[i] = 255 - i / 4;
    }
    Map<String, Object> item = Map.of("LUTDescriptor", List.of(1024, 0, 8),
        "LUTData", Arrays.stream(lut).boxed().toList());
    byte[] file = pydicom(a, Map.of("VOILUTSequence", List.of(item)), u16(0, 400, 1023));
    // Entries of 8 bits: lut[v] * 255 / 255.
    assertArrayEquals(new float[] {255f, 155f, 0f}, decode(file).samples(), 1e-4f);
  }

  // ---- colour ----

  @Test
  void rgbInterleavedPlanarAndYbrFullGiveTheSameColours() throws Exception {
    int[] rgb = new int[3 * N];
    for (int i = 0; i < N; i++) {
      rgb[3 * i] = (i * 5) % 256;
      rgb[3 * i + 1] = 255 - (i * 3) % 256;
      rgb[3 * i + 2] = (i * 11) % 256;
    }
    DecodedImage interleaved = decode(colour("RGB", 0, bytes(rgb)));
    float[] expected = new float[3 * N];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < N; i++) {
        expected[c * N + i] = rgb[3 * i + c];
      }
    }
    assertArrayEquals(expected, interleaved.samples(), 0f);

    int[] planar = new int[3 * N];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < N; i++) {
        planar[c * N + i] = rgb[3 * i + c];
      }
    }
    assertEquals(interleaved, decode(colour("RGB", 1, bytes(planar))));

    int[] ybr = new int[3 * N];
    for (int i = 0; i < N; i++) {
      double r = rgb[3 * i];
      double g = rgb[3 * i + 1];
      double b = rgb[3 * i + 2];
      // PS3.3 C.7.6.3.1.2, YBR_FULL from RGB.
      ybr[3 * i] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
      ybr[3 * i + 1] = clamp(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
      ybr[3 * i + 2] = clamp(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
    }
    // Rounding YBR to 8 bits moves RGB by at most about 2.
    assertArrayEquals(expected, decode(colour("YBR_FULL", 0, bytes(ybr))).samples(), 2.5f);

    // dcmcjpeg stores colour as YBR_FULL_422; the reader's YCbCr conversion must give what
    // dcmtk's own decoder gives (dcmdjpeg converts back to RGB).
    byte[] jpeg = dcmtk(colour("RGB", 0, bytes(rgb)), "dcmcjpeg", "+eb");
    assertEquals("YBR_FULL_422", parse(jpeg).dataset().string(Tag.PHOTOMETRIC_INTERPRETATION)
        .orElseThrow());
    DecodedImage reference = decode(dcmtk(jpeg, "dcmdjpeg"));
    assertArrayEquals(reference.samples(), decode(jpeg).samples(), 2f);
  }

  @Test
  void ybrFull422SharesChromaBetweenPairsOfPixels() throws Exception {
    // Two pixels: Y 100 and 200 sharing Cb = Cr = 128 (no colour): gray 100 and 200.
    Map<String, Object> a = colourAttributes("YBR_FULL_422", 0, 1, 2);
    byte[] file = pydicom(a, Map.of(), new byte[] {100, (byte) 200, (byte) 128, (byte) 128});
    assertArrayEquals(new float[] {100, 200, 100, 200, 100, 200}, decode(file).samples(), 1e-3f);
  }

  // ---- frames ----

  @Test
  void theFrameAskedForIsDecodedNativeAndEncapsulated() throws Exception {
    Map<String, Object> a = grayImage(ROWS, COLUMNS, 8, 8, false);
    a.put("NumberOfFrames", "3");
    byte[] pixels = new byte[3 * N];
    for (int f = 0; f < 3; f++) {
      Arrays.fill(pixels, f * N, (f + 1) * N, (byte) (50 * (f + 1)));
    }
    byte[] file = pydicom(a, Map.of(), pixels);
    DicomImageDecoder.Request second = new DicomImageDecoder.Request(2, Optional.empty());
    assertEquals(100f, DicomImageDecoder.decode(parse(file), second, LIMITS, MAX_FRAMES)
        .samples()[N - 1]);
    DicomFile lossless = parse(dcmtk(file, "dcmcjpeg", "+e1"));
    assertEquals(100f, DicomImageDecoder.decode(lossless, second, LIMITS, MAX_FRAMES)
        .samples()[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DicomImageDecoder.decode(parse(file), new DicomImageDecoder.Request(4,
            Optional.empty()), LIMITS, MAX_FRAMES));
    assertTrue(e.getMessage().contains("has 3 frames"), e.getMessage());
  }

  // ---- refusals ----

  @Test
  void badFilesAreRefusedWithAReasonAndWithoutPatientData() {
    byte[] good = gray8(new int[N]);
    assertRefused(Reason.CORRUPT, "truncated", Arrays.copyOf(good, good.length - N / 2 - 40));
    assertRefused(Reason.CORRUPT, "no Pixel Data",
        pydicom(grayImage(ROWS, COLUMNS, 8, 8, false), Map.of(), null));
    assertRefused(Reason.CORRUPT, "inconsistent lengths",
        pydicom(grayImage(ROWS, COLUMNS, 8, 8, false), Map.of(), new byte[N / 2]));
    // Far beyond the pixel limit, with a few bytes of pixel data: refused before any decoding.
    assertRefused(Reason.TOO_LARGE, "pixels, above the limit",
        pydicom(grayImage(65000, 65000, 8, 8, false), Map.of(), new byte[16]));
    Map<String, Object> frames = grayImage(ROWS, COLUMNS, 8, 8, false);
    frames.put("NumberOfFrames", "5000");
    assertRefused(Reason.TOO_LARGE, "frames, above the limit",
        pydicom(frames, Map.of(), new byte[N]));
    byte[] noPreamble = dcmtk(good, "dcmconv", "-F");
    assertRefused(Reason.CORRUPT, "not a DICOM Part 10 file", noPreamble);
    UnsupportedImageException bomb = assertThrows(UnsupportedImageException.class,
        () -> DicomParser.parse(dcmtk(gray8(new int[N * 20]), "dcmconv", "+td"), 1000));
    assertEquals(Reason.TOO_LARGE, bomb.reason());
  }

  private static void assertRefused(Reason reason, String says, byte[] file) {
    UnsupportedImageException e = assertThrows(UnsupportedImageException.class,
        () -> decode(file));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(says), e.getMessage());
    for (String identifying : DicomTools.IDENTIFYING) {
      assertFalse(e.getMessage().contains(identifying), e.getMessage());
    }
  }

  // ---- helpers ----

  private static DicomFile parse(byte[] file) throws UnsupportedImageException {
    return DicomParser.parse(file, 1L << 30);
  }

  private static DecodedImage decode(byte[] file) throws UnsupportedImageException {
    return DicomImageDecoder.decode(parse(file), DicomImageDecoder.Request.FIRST_FRAME, LIMITS,
        MAX_FRAMES);
  }

  /** A {@link #ROWS} x {@link #COLUMNS} 8-bit MONOCHROME2 image without window (or fewer rows). */
  private static byte[] gray8(int[] values) {
    int rows = values.length / COLUMNS;
    return pydicom(grayImage(rows, COLUMNS, 8, 8, false), Map.of(), bytes(values));
  }

  /** 16 x 16 pixels, 12 of 16 bits, stored value 16 * index; slope 2, intercept -1024. */
  private static byte[] gray12WithRescale(Map<String, Object> more) {
    Map<String, Object> a = grayImage(16, 16, 16, 12, false);
    a.put("RescaleSlope", "2");
    a.put("RescaleIntercept", "-1024");
    a.putAll(more);
    int[] stored = new int[256];
    for (int i = 0; i < stored.length; i++) {
      stored[i] = 16 * i;
    }
    return pydicom(a, Map.of(), u16(stored));
  }

  private static Map<String, Object> colourAttributes(String photometric, int planar, int rows,
      int columns) {
    Map<String, Object> a = grayImage(rows, columns, 8, 8, false);
    a.put("SamplesPerPixel", 3);
    a.put("PhotometricInterpretation", photometric);
    a.put("PlanarConfiguration", planar);
    return a;
  }

  private static byte[] colour(String photometric, int planar, byte[] pixels) {
    return pydicom(colourAttributes(photometric, planar, ROWS, COLUMNS), Map.of(), pixels);
  }

  private static void assertSamples(int[] expected, DecodedImage image, float tolerance) {
    float[] s = image.samples();
    assertEquals(expected.length, s.length);
    for (int i = 0; i < s.length; i++) {
      assertEquals(expected[i], s[i], tolerance, "sample " + i);
    }
  }

  private static int clamp(double v) {
    return (int) Math.round(Math.max(0, Math.min(255, v)));
  }

  private static byte[] bytes(int[] values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] u16(int... values) {
    byte[] b = new byte[2 * values.length];
    for (int i = 0; i < values.length; i++) {
      b[2 * i] = (byte) values[i];
      b[2 * i + 1] = (byte) (values[i] >>> 8);
    }
    return b;
  }
}
