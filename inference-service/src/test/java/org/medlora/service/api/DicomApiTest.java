package org.medlora.service.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.service.api.InferenceApiTest.CLASSIFY;
import static org.medlora.service.api.InferenceApiTest.SEGMENT;
import static org.medlora.service.api.InferenceApiTest.problem;
import static org.medlora.service.testing.Api.api;
import static org.medlora.service.testing.Api.post;
import static org.medlora.service.testing.TestTasks.CLASSIFIER;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.imaging.testing.DicomTools;
import org.medlora.service.testing.Api;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.TestImages;
import org.medlora.service.testing.TestTasks;

/**
 * DICOM in and out on real exported models: DICOM made from a PNG gives the PNG's mask, the
 * Segmentation passes dciodvfy and reads back in pydicom with the mask, JSON answers echo the
 * instance, bad DICOM is a 4xx problem, and patient data stays out of answers, logs and metrics.
 */
@QuarkusTest
@WithTestResource(value = ModelStoreResource.class,
    initArgs = @ResourceArg(name = "tasks", value = SEGMENTER + "," + CLASSIFIER))
class DicomApiTest {

  static final String DICOM = "application/dicom";

  @BeforeEach
  void ready() {
    Api.awaitReady();
  }

  @Test
  void theSamePixelsAsPngAndAsDicomGiveTheSameMask() throws IOException {
    byte[] png = TestImages.png8Gray(120, 90);
    // img2dcm reads BMP and JPEG; the BMP holds the PNG's pixels exactly.
    byte[] dicom = DicomTools.img2dcm(bmp(png), "BMP");
    assertArrayEquals(mask("image/png", png), mask(DICOM, dicom));

    byte[] jpeg = TestImages.jpegRgb(120, 90);
    // img2dcm wraps the JPEG stream unchanged, as JPEG Baseline.
    assertArrayEquals(mask("image/jpeg", jpeg), mask(DICOM, DicomTools.img2dcm(jpeg, "JPEG")));
  }

  @Test
  void twelveBitJpegExtendedSegmentsAsItsDecompressedAndItsSourcePixels() {
    byte[] source = xray();
    byte[] extended = DicomTools.dcmtk(source, "dcmcjpeg", "+ee", "+q", "100");
    byte[] labels = mask(DICOM, extended);
    // Exactly dcmtk's decode of the same file: the decoder is exact, so the mask is too.
    assertArrayEquals(mask(DICOM, DicomTools.dcmtk(extended, "dcmdjpeg")), labels);
    // Compression at quality 100 moves stored values by a few units of 4095; the mask of the
    // uncompressed source may differ only where a pixel sits on a class boundary.
    // (Measured: all 10800 pixels agree.)
    byte[] original = mask(DICOM, source);
    int same = 0;
    boolean[] seen = new boolean[256];
    for (int i = 0; i < labels.length; i++) {
      same += labels[i] == original[i] ? 1 : 0;
      seen[original[i] & 0xFF] = true;
    }
    assertTrue(seen[0] && (seen[1] || seen[2]), "the source's mask has background and a class");
    assertTrue(same >= 0.99 * labels.length, same + " of " + labels.length + " pixels agree");
  }

  @Test
  void losslessJpeg2000SegmentsAsItsSource() {
    byte[] source = xray();
    assertArrayEquals(mask(DICOM, source), mask(DICOM, DicomTools.jpeg2000(source, true)));
  }

  @Test
  void segmentationAsDicomPassesDciodvfyAndReadsBackWithTheMask() throws IOException {
    byte[] source = xray();
    byte[] seg = segmentation(source);
    byte[] labels = mask(DICOM, source);
    assertValid(seg);
    // A secondary capture without a frame of reference gives a valid Segmentation too.
    assertValid(segmentation(DicomTools.img2dcm(bmp(TestImages.png8Gray(64, 48)), "BMP")));

    JsonPath read = JsonPath.from(DicomTools.python(READ_SEG, seg));
    assertEquals("1.2.840.10008.5.1.4.1.1.66.4", read.getString("sop_class"));
    assertEquals(DicomTools.STUDY_UID, read.getString("study"));
    assertEquals(DicomTools.FRAME_OF_REFERENCE_UID, read.getString("frame_of_reference"));
    assertEquals(DicomTools.PATIENT_NAME, read.getString("patient"));
    assertEquals(DicomTools.SOP_UID, read.getString("referenced"));
    assertEquals(DicomTools.SOP_UID, read.getString("source_image"));
    assertEquals(DicomTools.SERIES_UID, read.getString("referenced_series"));
    assertEquals(List.of("benign", "malignant"), read.getList("labels"));
    assertEquals("medlora " + SEGMENTER, read.getString("algorithm"));
    assertEquals("1", read.getString("algorithm_version"));
    assertEquals(2, read.getInt("frames"));
    // Each frame holds exactly the pixels of its class in the PNG label mask of the same image.
    List<String> frames = read.getList("bits");
    for (int k = 1; k <= 2; k++) {
      StringBuilder expected = new StringBuilder();
      for (byte label : labels) {
        expected.append(label == k ? '1' : '0');
      }
      assertEquals(expected.toString(), frames.get(k - 1), "segment " + k);
    }
  }

  /** Reads a SEG with pydicom (no numpy here: the bits are unpacked by hand, low bit first). */
  private static final String READ_SEG = """
      import json, pydicom
      ds = pydicom.dcmread('in.dcm')
      n = ds.Rows * ds.Columns
      bits = ''.join('1' if (b >> j) & 1 else '0' for b in ds.PixelData for j in range(8))
      algorithm = ds.SegmentSequence[0].SegmentationAlgorithmIdentificationSequence[0]
      print(json.dumps({
          'sop_class': ds.SOPClassUID,
          'study': ds.StudyInstanceUID,
          'frame_of_reference': ds.FrameOfReferenceUID,
          'patient': str(ds.PatientName),
          'referenced_series': ds.ReferencedSeriesSequence[0].SeriesInstanceUID,
          'referenced': ds.ReferencedSeriesSequence[0].ReferencedInstanceSequence[0]
              .ReferencedSOPInstanceUID,
          'source_image': ds.SharedFunctionalGroupsSequence[0].DerivationImageSequence[0]
              .SourceImageSequence[0].ReferencedSOPInstanceUID,
          'labels': [s.SegmentLabel for s in ds.SegmentSequence],
          'algorithm': algorithm.AlgorithmName,
          'algorithm_version': algorithm.AlgorithmVersion,
          'frames': int(ds.NumberOfFrames),
          'bits': [bits[k * n:(k + 1) * n] for k in range(int(ds.NumberOfFrames))],
      }))
      """;

  @Test
  void jsonAnswersEchoTheSourceSopInstanceUid() {
    byte[] source = xray();
    post(CLASSIFY, DICOM, source).statusCode(200)
        .body("source-sop-instance-uid", equalTo(DicomTools.SOP_UID))
        .body("label", in(TestTasks.CLS_CLASSES));
    api().contentType(DICOM).queryParam("format", "json").body(source).post(SEGMENT).then()
        .statusCode(200).body("source-sop-instance-uid", equalTo(DicomTools.SOP_UID))
        .body("height", equalTo(90));
    post(CLASSIFY, "image/png", TestImages.png8Gray(64, 64)).statusCode(200)
        .body("source-sop-instance-uid", nullValue());
    // The multipart part 'image' may be DICOM too.
    api().multiPart("image", "scan.dcm", source, DICOM).post(CLASSIFY).then().statusCode(200)
        .body("source-sop-instance-uid", equalTo(DicomTools.SOP_UID));
  }

  @Test
  void frameAndWindowAreCheckedAndChangeTheInput() {
    byte[] source = xray();
    problem(api().contentType(DICOM).queryParam("frame", 2).body(source).post(CLASSIFY).then(),
        400).body("detail", containsString("has 1 frame"));
    problem(api().contentType(DICOM).queryParam("window", "wide").body(source).post(CLASSIFY)
        .then(), 400).body("detail", containsString("center,width"));
    problem(api().contentType("image/png").queryParam("window", "40,400")
        .body(TestImages.png8Gray(32, 32)).post(CLASSIFY).then(), 400);
    // A window that clips everything to black gives another input than the file's window.
    float fileWindow = post(CLASSIFY, DICOM, source).extract().path("score");
    float black = api().contentType(DICOM).queryParam("window", "100000,10").body(source)
        .post(CLASSIFY).then().statusCode(200).extract().path("score");
    assertTrue(fileWindow != black, "the request's window must reach the model");
  }

  @Test
  void theFrameAskedForIsSegmentedAndReferenced() {
    Map<String, Object> a = DicomTools.grayImage(90, 120, 8, 8, false);
    byte[] pattern = (byte[]) TestImages.read(TestImages.png8Gray(120, 90)).getRaster()
        .getDataElements(0, 0, 120, 90, null);
    byte[] single = DicomTools.pydicom(a, Map.of(), pattern);
    a.put("NumberOfFrames", "2");
    a.put("SOPClassUID", "1.2.840.10008.5.1.4.1.1.3.1");
    a.put("Modality", "US");
    byte[] frames = new byte[2 * pattern.length];
    System.arraycopy(pattern, 0, frames, pattern.length, pattern.length);
    byte[] multi = DicomTools.pydicom(a, Map.of(), frames);
    assertArrayEquals(mask(DICOM, single), mask(DICOM, multi, 2));

    byte[] seg = api().contentType(DICOM).accept(DICOM).queryParam("frame", 2).body(multi)
        .post(SEGMENT).then().statusCode(200).extract().asByteArray();
    assertValid(seg);
    assertEquals("2", DicomTools.python("""
        import pydicom
        ds = pydicom.dcmread('in.dcm')
        print(ds.SharedFunctionalGroupsSequence[0].DerivationImageSequence[0]
              .SourceImageSequence[0].ReferencedFrameNumber)
        """, seg).strip());
  }

  @Test
  void dicomSegmentationNeedsADicomSource() {
    problem(api().contentType("image/png").accept(DICOM).body(TestImages.png8Gray(32, 32))
        .post(SEGMENT).then(), 406).body("detail", containsString("application/dicom"));
  }

  @Test
  void badDicomIsAProblemWithoutPatientDataInAnswersLogsOrMetrics() {
    List<String> logged = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getMessage() + " " + Arrays.toString(r.getParameters()) + " "
            + r.getThrown());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try {
      Logger.getLogger(DicomApiTest.class.getName()).warning("probe");
      assertTrue(logged.stream().anyMatch(line -> line.startsWith("probe")),
          "the handler sees the service's log records");
      byte[] good = xray();
      List<String> answers = new ArrayList<>();
      answers.add(problem(post(SEGMENT, DICOM, Arrays.copyOf(good, good.length / 2)), 400)
          .body("type", equalTo("urn:medlora:problem:corrupt-image")).extract().asString());
      answers.add(problem(post(CLASSIFY, DICOM, DicomTools.dcmtk(good, "dcmcrle")), 415)
          .body("detail", containsString("RLE Lossless"))
          .body("accepted", hasItem(DICOM)).extract().asString());
      answers.add(problem(post(CLASSIFY, DICOM, DicomTools.pydicom(
          DicomTools.grayImage(60000, 60000, 8, 8, false), Map.of(), new byte[64])), 413)
          .extract().asString());
      answers.add(problem(post(CLASSIFY, DICOM, DicomTools.pydicom(
          DicomTools.grayImage(90, 120, 8, 8, false), Map.of(), null)), 400)
          .body("detail", containsString("no Pixel Data")).extract().asString());
      answers.add(post(SEGMENT, DICOM, good).statusCode(200).extract().asString());
      String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
      for (String identifying : DicomTools.IDENTIFYING) {
        if (!identifying.equals(DicomTools.SOP_UID)) {
          for (String answer : answers) {
            assertFalse(answer.contains(identifying), answer);
          }
        }
        assertFalse(metrics.contains(identifying), "metrics name " + identifying);
        for (String line : logged) {
          assertFalse(line.contains(identifying), line);
        }
      }
    } finally {
      root.removeHandler(capture);
    }
  }

  // ---- helpers ----

  private static byte[] segmentation(byte[] source) {
    return api().contentType(DICOM).accept(DICOM).body(source).post(SEGMENT).then()
        .statusCode(200).contentType(DICOM).extract().asByteArray();
  }

  /** dciodvfy finds no error (warnings, e.g. on the private coding scheme, are allowed). */
  private static void assertValid(byte[] dicom) {
    List<String> report = DicomTools.dciodvfy(dicom);
    assertTrue(report.stream().noneMatch(line -> line.startsWith("Error")),
        "dciodvfy: " + String.join("\n", report));
  }

  /** A 16-bit DX image, 12 bits stored, with rescale and a window: a disc on a gradient. */
  private static byte[] xray() {
    Map<String, Object> a = DicomTools.grayImage(90, 120, 16, 12, false);
    a.put("RescaleSlope", "1");
    a.put("RescaleIntercept", "-1024");
    a.put("WindowCenter", "1000");
    a.put("WindowWidth", "3000");
    byte[] pixels = new byte[2 * 90 * 120];
    for (int y = 0; y < 90; y++) {
      for (int x = 0; x < 120; x++) {
        double dx = x - 60;
        double dy = y - 45;
        int v = dx * dx + dy * dy < 400 ? 3900 : 200 + 20 * x + 5 * y;
        pixels[2 * (y * 120 + x)] = (byte) v;
        pixels[2 * (y * 120 + x) + 1] = (byte) (v >>> 8);
      }
    }
    return DicomTools.pydicom(a, Map.of(), pixels);
  }

  /** The label mask PNG's class indices for an image sent as {@code contentType}. */
  private static byte[] mask(String contentType, byte[] body) {
    return mask(contentType, body, 1);
  }

  private static byte[] mask(String contentType, byte[] body, int frame) {
    var request = api().contentType(contentType).queryParam("format", "png").body(body);
    if (frame != 1) {
      request.queryParam("frame", frame);
    }
    byte[] png = request.post(SEGMENT).then().statusCode(200).extract().asByteArray();
    BufferedImage m = TestImages.read(png);
    byte[] labels = new byte[m.getWidth() * m.getHeight()];
    m.getRaster().getDataElements(0, 0, m.getWidth(), m.getHeight(), labels);
    return labels;
  }

  private static byte[] bmp(byte[] png) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(TestImages.read(png), "bmp", out), "a BMP writer");
    return out.toByteArray();
  }
}
