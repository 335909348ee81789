package org.medlora.service.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.service.testing.Api.api;
import static org.medlora.service.testing.Api.post;
import static org.medlora.service.testing.TestTasks.CLASSIFIER;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.build.Jwt;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.service.testing.Api;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.TestImages;

/** The /v1 API on real exported models: happy paths, every bad input, authentication. */
@QuarkusTest
@WithTestResource(value = ModelStoreResource.class,
    initArgs = @ResourceArg(name = "tasks", value = SEGMENTER + "," + CLASSIFIER))
class InferenceApiTest {

  static final String CLASSIFY = "/v1/models/" + CLASSIFIER + "/classify";
  static final String SEGMENT = "/v1/models/" + SEGMENTER + "/segment";
  static final String PROBLEM = "application/problem+json";

  @BeforeEach
  void ready() {
    Api.awaitReady();
  }

  // ---- models ----

  @Test
  void listsTheModelsWithTheirVersionKindAndClasses() {
    api().get("/v1/models").then().statusCode(200)
        .body("models.task", hasItems(SEGMENTER, CLASSIFIER))
        .body("models.find { it.task == '" + SEGMENTER + "' }.kind", equalTo("segmentation"))
        .body("models.find { it.task == '" + SEGMENTER + "' }.version", equalTo(1))
        .body("models.find { it.task == '" + CLASSIFIER + "' }.class-names",
            equalTo(List.of("normal", "benign", "malignant")))
        .body("models.find { it.task == '" + CLASSIFIER + "' }.input-size.height", equalTo(224))
        .body("models.find { it.task == '" + SEGMENTER + "' }.execution-provider", equalTo("cpu"));
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(metrics.contains("medlora_model_execution_provider{provider=\"cpu\",task=\"" + SEGMENTER + "\"} 1.0"),
        "the provider as a metric too");
  }

  @Test
  void showsATasksManifestAndAVersionsManifest() {
    api().get("/v1/models/" + SEGMENTER).then().statusCode(200)
        .body("model.version", equalTo(1))
        .body("manifest.task", equalTo(SEGMENTER))
        .body("manifest.preprocessing.height", equalTo(224))
        .body("manifest.model-sha256", notNullValue());
    api().get("/v1/models/" + CLASSIFIER + "/versions/1").then().statusCode(200)
        .body("kind", equalTo("classification"));
  }

  // ---- classification ----

  @Test
  void classifiesPngsOfEveryDepthAndJpegsWithTheServingVersion() {
    for (byte[] image : List.of(TestImages.png8Gray(300, 240), TestImages.png16Gray(200, 260),
        TestImages.pngRgb(224, 224))) {
      assertClassification(post(CLASSIFY, "image/png", image));
    }
    assertClassification(post(CLASSIFY, "image/jpeg", TestImages.jpegRgb(320, 200)));
    assertClassification(post(CLASSIFY, "application/octet-stream", TestImages.png8Gray(64, 64)));
  }

  @Test
  void classifiesCmykAndYcckJpegsAsScannersWriteThem() {
    assertClassification(post(CLASSIFY, "image/jpeg", TestImages.resource("images/cmyk.jpg")));
    assertClassification(post(CLASSIFY, "image/jpeg", TestImages.resource("images/ycck.jpg")));
  }

  @Test
  void classifiesAMultipartUpload() {
    assertClassification(api().multiPart("image", "scan.png", TestImages.png8Gray(128, 96), "image/png")
        .post(CLASSIFY).then());
  }

  @Test
  void the8And16BitVersionsOfOneImageGetTheSameAnswer() {
    String a = post(CLASSIFY, "image/png", TestImages.png8Gray(100, 80)).extract().path("label");
    String b = post(CLASSIFY, "image/png", TestImages.png16Gray(100, 80)).extract().path("label");
    assertEquals(a, b);
  }

  private static void assertClassification(ValidatableResponse r) {
    JsonPath body = r.statusCode(200)
        .contentType("application/json")
        .header("Medlora-Model-Version", "1")
        .body("task", equalTo(CLASSIFIER))
        .body("version", equalTo(1))
        .extract().jsonPath();
    Map<String, Float> probs = body.getMap("probabilities", String.class, Float.class);
    assertEquals(List.of("normal", "benign", "malignant"), new ArrayList<>(probs.keySet()));
    double sum = probs.values().stream().mapToDouble(Float::doubleValue).sum();
    assertEquals(1.0, sum, 1e-4);
    String label = body.getString("label");
    float best = probs.values().stream().max(Float::compare).orElseThrow();
    assertEquals(best, probs.get(label), 1e-6);
  }

  // ---- segmentation ----

  @Test
  void segmentsIntoALabelMaskPngAtTheInputImagesOwnSize() {
    for (int[] size : new int[][] {{300, 240}, {97, 151}}) {
      byte[] png = post(SEGMENT, "image/png", TestImages.png8Gray(size[0], size[1]))
          .statusCode(200).contentType("image/png").header("Medlora-Model-Version", "1")
          .extract().asByteArray();
      BufferedImage mask = TestImages.read(png);
      assertArrayEquals(size, new int[] {mask.getWidth(), mask.getHeight()});
      assertEquals(BufferedImage.TYPE_BYTE_GRAY, mask.getType(), "8-bit label map");
      int[] values = mask.getRaster().getSamples(0, 0, mask.getWidth(), mask.getHeight(), 0,
          (int[]) null);
      assertTrue(java.util.Arrays.stream(values).allMatch(v -> v >= 0 && v <= 2), "class indices");
    }
  }

  @Test
  void segmentsJpegs16BitPngsAndMultipart() {
    post(SEGMENT, "image/jpeg", TestImages.jpegRgb(200, 150)).statusCode(200);
    post(SEGMENT, "image/png", TestImages.png16Gray(150, 200)).statusCode(200);
    byte[] png = api().multiPart("image", "x.png", TestImages.pngRgb(120, 80), "image/png")
        .post(SEGMENT).then().statusCode(200).contentType("image/png").extract().asByteArray();
    assertArrayEquals(new int[] {120, 80}, TestImages.size(png));
  }

  @Test
  void segmentsAJpegAsItsExifOrientationDisplaysIt() {
    // Stored 40x20 with EXIF orientation 6: a viewer shows it 20 wide and 40 high, turned 90
    // degrees clockwise, and the mask must lie on that.
    byte[] jpeg = TestImages.resource("images/exif-orientation-6.jpg");
    assertArrayEquals(new int[] {40, 20}, TestImages.size(jpeg), "stored size, EXIF ignored");
    byte[] mask = post(SEGMENT, "image/jpeg", jpeg).statusCode(200).extract().asByteArray();
    assertArrayEquals(new int[] {20, 40}, TestImages.size(mask));
    post(SEGMENT + "?format=json", "image/jpeg", jpeg).statusCode(200)
        .body("width", equalTo(20)).body("height", equalTo(40));
  }

  @Test
  void reportsPerClassAreasAndBoundingBoxesAsJson() {
    JsonPath json = api().contentType("image/png").body(TestImages.png8Gray(300, 240))
        .queryParam("format", "json").post(SEGMENT)
        .then().statusCode(200).contentType("application/json")
        .body("width", equalTo(300)).body("height", equalTo(240))
        .body("classes.name", equalTo(List.of("background", "benign", "malignant")))
        .extract().jsonPath();
    long total = 0;
    double fractions = 0;
    for (int c = 0; c < 3; c++) {
      long pixels = json.getLong("classes[" + c + "].pixels");
      total += pixels;
      fractions += json.getDouble("classes[" + c + "].fraction");
      if (pixels > 0) {
        int x = json.getInt("classes[" + c + "].bbox.x");
        int w = json.getInt("classes[" + c + "].bbox.width");
        int h = json.getInt("classes[" + c + "].bbox.height");
        assertTrue(x >= 0 && x + w <= 300 && h >= 1 && h <= 240, "box inside the image");
        assertTrue((long) w * h >= pixels, "a class fits in its box");
      }
    }
    assertEquals(300L * 240, total);
    assertEquals(1.0, fractions, 1e-6);
    // Accept: application/json alone asks for the same JSON.
    api().contentType("image/png").accept("application/json").body(TestImages.png8Gray(30, 20))
        .post(SEGMENT).then().statusCode(200).body("width", equalTo(30));
  }

  @Test
  void drawsAColourOverlayAtTheInputSize() {
    byte[] png = api().contentType("image/png").body(TestImages.png8Gray(300, 240))
        .queryParam("format", "overlay").post(SEGMENT)
        .then().statusCode(200).contentType("image/png").extract().asByteArray();
    BufferedImage overlay = TestImages.read(png);
    assertArrayEquals(new int[] {300, 240}, new int[] {overlay.getWidth(), overlay.getHeight()});
    assertEquals(3, overlay.getColorModel().getNumColorComponents(), "RGB");
  }

  @Test
  void pinsAVersion() {
    api().contentType("image/png").body(TestImages.png8Gray(50, 50)).queryParam("version", 1)
        .post(CLASSIFY).then().statusCode(200).body("version", equalTo(1));
  }

  // ---- bad input: a 4xx problem, never a 500 ----

  @Test
  void refusesAWrongContentTypeWith415() {
    problem(api().contentType("text/plain").body("hello").post(CLASSIFY).then(), 415)
        .body("accepted", hasItems("image/png", "image/jpeg"));
    problem(api().contentType("application/json").body("{}").post(SEGMENT).then(), 415);
    problem(api().multiPart("image", "notes.txt", "hello".getBytes(), "text/plain")
        .post(SEGMENT).then(), 415);
  }

  @Test
  void refusesImageFormatsOtherThanPngAndJpegWith415() {
    byte[] gif = "GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;".getBytes();
    problem(post(CLASSIFY, "image/png", gif), 415)
        .body("detail", containsString("GIF"));
  }

  @Test
  void refusesTruncatedOrEmptyImagesWith400() {
    problem(post(CLASSIFY, "image/png", TestImages.truncatedPng()), 400)
        .body("type", equalTo("urn:medlora:problem:corrupt-image"));
    problem(post(SEGMENT, "image/png", TestImages.truncatedPng()), 400);
    problem(post(SEGMENT, "image/png", new byte[0]), 400);
    byte[] jpeg = TestImages.jpegRgb(200, 200);
    problem(post(CLASSIFY, "image/jpeg", java.util.Arrays.copyOf(jpeg, jpeg.length / 3)), 400);
  }

  @Test
  void refusesADecompressionBombFromItsHeaderWith413() {
    byte[] bomb = TestImages.pngHeaderClaiming(100_000, 100_000);
    assertTrue(bomb.length < 100, "a few bytes claiming 10 gigapixels");
    problem(post(SEGMENT, "image/png", bomb), 413)
        .body("type", equalTo("urn:medlora:problem:image-too-large"))
        .body("max-pixels", equalTo(4_000_000));
    problem(post(CLASSIFY, "image/png", TestImages.pngHeaderClaiming(2001, 2000)), 413);
  }

  @Test
  void refusesTooManyBytesWith413() {
    byte[] big = new byte[2_000_001];
    System.arraycopy(TestImages.png8Gray(10, 10), 0, big, 0, 8);
    problem(post(CLASSIFY, "image/png", big), 413);
    problem(api().multiPart("image", "big.png", big, "image/png").post(SEGMENT).then(), 413);
  }

  @Test
  void answersUnknownTasksAndVersionsWith404() {
    problem(post("/v1/models/no-such-task/classify", "image/png", TestImages.png8Gray(20, 20)), 404)
        .body("detail", containsString(CLASSIFIER));
    problem(api().contentType("image/png").body(TestImages.png8Gray(20, 20))
        .queryParam("version", 99).post(CLASSIFY).then(), 404)
        .body("detail", containsString("published versions: [1]"));
    problem(api().get("/v1/models/no-such-task").then(), 404);
    problem(api().get("/v1/models/" + SEGMENTER + "/versions/7").then(), 404);
    problem(api().get("/v1/models/BAD..name/versions/1").then(), 404);
    // A segmentation model has no classify endpoint, and the message says where to go.
    problem(post("/v1/models/" + SEGMENTER + "/classify", "image/png", TestImages.png8Gray(20, 20)), 404)
        .body("detail", containsString("/segment"));
    problem(api().get("/v1/nothing-here").then(), 404);
  }

  @Test
  void refusesBadParametersWith400() {
    problem(api().contentType("image/png").body(TestImages.png8Gray(20, 20))
        .queryParam("format", "gif").post(SEGMENT).then(), 400);
    problem(api().contentType("image/png").body(TestImages.png8Gray(20, 20))
        .queryParam("version", 0).post(SEGMENT).then(), 400);
    problem(api().contentType("image/png").body(TestImages.png8Gray(20, 20))
        .queryParam("version", "latest").post(SEGMENT).then(), 404);
    problem(api().multiPart("file", "x.png", TestImages.png8Gray(8, 8), "image/png")
        .post(SEGMENT).then(), 400)
        .body("detail", containsString("'image'"));
  }

  static ValidatableResponse problem(ValidatableResponse r, int status) {
    return r.statusCode(status)
        .contentType(PROBLEM)
        .body("status", equalTo(status))
        .body("title", notNullValue())
        .body("type", notNullValue())
        .body("detail", notNullValue())
        .body("instance", notNullValue());
  }

  // ---- authentication ----

  @Test
  void refusesRequestsWithoutValidCredentialsWith401() {
    given().contentType("image/png").body(TestImages.png8Gray(20, 20)).post(CLASSIFY)
        .then().statusCode(401).contentType(PROBLEM).header("WWW-Authenticate", notNullValue());
    given().header("X-API-Key", "wrong").get("/v1/models").then().statusCode(401);
    given().header("Authorization", "Bearer not-a-jwt").get("/v1/models").then().statusCode(401);
    api().get("/v1/models").then().statusCode(200);
  }

  @Test
  void acceptsASignedJwtAndRefusesAnExpiredOne() {
    String token = Jwt.issuer("https://medlora.test/issuer").subject("pacs-gateway")
        .expiresIn(Duration.ofMinutes(5)).sign();
    given().auth().oauth2(token).get("/v1/models").then().statusCode(200);
    String expired = Jwt.issuer("https://medlora.test/issuer").subject("pacs-gateway")
        .issuedAt(System.currentTimeMillis() / 1000 - 7200)
        .expiresAt(System.currentTimeMillis() / 1000 - 3600).sign();
    given().auth().oauth2(expired).get("/v1/models").then().statusCode(401);
    String otherIssuer = Jwt.issuer("https://elsewhere").subject("x").sign();
    given().auth().oauth2(otherIssuer).get("/v1/models").then().statusCode(401);
  }

  @Test
  void healthMetricsAndOpenApiStayOpen() {
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/openapi?format=json").then().statusCode(200)
        .body("paths", org.hamcrest.Matchers.hasKey("/v1/models/{task}/segment"));
    given().get("/q/swagger-ui/").then().statusCode(200);
    given().get("/q/metrics").then().statusCode(200);
  }

  // ---- batching and metrics ----

  @Test
  void concurrentRequestsRunInBatchesAndAreMeasured() throws Exception {
    byte[] image = TestImages.png8Gray(64, 64);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        calls.add(pool.submit(() -> api().contentType("image/png").body(image).post(SEGMENT)
            .statusCode()));
      }
      for (Future<Integer> f : calls) {
        assertEquals(200, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    double maxBatch = metric(metrics, "medlora_batch_size_max\\{[^}]*task=\"" + SEGMENTER + "\"[^}]*\\}");
    assertTrue(maxBatch > 1, "8 concurrent clients formed batches larger than 1, max " + maxBatch);
    assertTrue(metrics.contains("medlora_request_duration_seconds_bucket{"), "latency histogram");
    assertTrue(metrics.contains("medlora_queue_depth{"), "queue depth gauge");
    assertTrue(metrics.contains("medlora_model_loads_total{"), "model loads counter");
  }

  @Test
  void imagesRunTogetherInABatchEachGetTheirOwnAnswer() throws Exception {
    // The batch preprocesses each image into its own slot of one input buffer: a mix-up would
    // hand one request another's probabilities.
    List<byte[]> images = List.of(TestImages.png8Gray(64, 64), TestImages.pngRgb(48, 80));
    List<Map<String, Float>> alone = new ArrayList<>();
    for (byte[] image : images) {
      alone.add(post(CLASSIFY, "image/png", image).extract().jsonPath()
          .getMap("probabilities", String.class, Float.class));
    }
    assertTrue(Math.abs(alone.get(0).get("normal") - alone.get(1).get("normal")) > 1e-3,
        "the two images must be told apart: " + alone);
    String batches = "medlora_batch_size_count\\{[^}]*task=\"" + CLASSIFIER + "\"[^}]*\\}";
    double batchesBefore = metric(given().get("/q/metrics").then().extract().asString(), batches);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Map<String, Float>>> calls = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        byte[] image = images.get(i % 2);
        calls.add(pool.submit(() -> api().contentType("image/png").body(image).post(CLASSIFY)
            .then().statusCode(200).extract().jsonPath()
            .getMap("probabilities", String.class, Float.class)));
      }
      for (int i = 0; i < calls.size(); i++) {
        Map<String, Float> answer = calls.get(i).get();
        for (Map.Entry<String, Float> e : alone.get(i % 2).entrySet()) {
          assertEquals(e.getValue(), answer.get(e.getKey()), 1e-4f, "request " + i + ", " + e.getKey());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    double ran = metric(given().get("/q/metrics").then().extract().asString(), batches) - batchesBefore;
    assertTrue(ran < 24, "the 24 requests ran in fewer batches, some together: " + ran);
  }

  @Test
  void aSegmentationIsTimedStageByStage() {
    String before = given().get("/q/metrics").then().statusCode(200).extract().asString();
    post(SEGMENT, "image/png", TestImages.png8Gray(70, 50)).statusCode(200);
    String after = given().get("/q/metrics").then().statusCode(200).extract().asString();
    for (String stage : List.of("decode", "preprocess", "queue", "run", "render")) {
      String count = "medlora_request_stage_seconds_count\\{[^}]*stage=\"" + stage
          + "\",task=\"" + SEGMENTER + "\"[^}]*\\}";
      assertEquals(1, metric(after, count) - (before.contains("stage=\"" + stage + "\",task=\""
          + SEGMENTER + "\"") ? metric(before, count) : 0), 1e-9, stage);
    }
    String runSeconds = "medlora_request_stage_seconds_max\\{[^}]*stage=\"run\",task=\""
        + SEGMENTER + "\"[^}]*\\}";
    assertTrue(metric(after, runSeconds) > 0, "the run took time");
  }

  static double metric(String exposition, String nameAndLabels) {
    Matcher m = Pattern.compile("(?m)^" + nameAndLabels + " ([0-9.eE+-]+)$").matcher(exposition);
    assertTrue(m.find(), "metric " + nameAndLabels + " not in /q/metrics");
    return Double.parseDouble(m.group(1));
  }

  @Test
  void probabilitiesAreStableAcrossRequests() {
    byte[] image = TestImages.png8Gray(90, 90);
    float first = post(CLASSIFY, "image/png", image).extract().jsonPath().getFloat("score");
    float second = post(CLASSIFY, "image/png", image).extract().jsonPath().getFloat("score");
    assertEquals(first, second, 1e-6f);
  }
}
