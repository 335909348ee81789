package org.medlora.service.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.service.testing.Api.api;
import static org.medlora.service.testing.TestTasks.CLASSIFIER;
import static org.medlora.service.testing.TestTasks.CLS_CLASSES;
import static org.medlora.service.testing.TestTasks.SEGMENTER;
import static org.medlora.service.testing.TestTasks.SEG_CLASSES;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.ModelManifest;
import org.medlora.service.models.ModelSources;
import org.medlora.service.testing.Api;
import org.medlora.service.testing.Browser;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.Stores;
import org.medlora.service.testing.TestImages;
import org.medlora.store.ModelStore;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console at {@code /} in a real browser: Debian's Chromium, headless, driven by Selenium
 * through chromium-driver. It asks for the API key, shows each version's card (learning curves
 * from a manifest's per-epoch history), and draws a segmentation over the uploaded image with a
 * legend whose areas and boxes are the API's and whose colours cover exactly those pixels.
 */
@QuarkusTest
@WithTestResource(value = ModelStoreResource.class,
    initArgs = @ResourceArg(name = "tasks", value = SEGMENTER + "," + CLASSIFIER))
class ConsoleTest {

  private static WebDriver browser;

  @TestHTTPResource("/")
  URL console;

  @ConfigProperty(name = "medlora.store.path")
  Path store;

  @Inject ModelSources sources;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void thePageAndItsAssetsAreOpenAndTheApiIsNot() {
    given().get("/").then().statusCode(200).contentType(containsString("text/html"))
        .body(containsString("console.js"));
    given().get("/console.js").then().statusCode(200);
    given().get("/console.css").then().statusCode(200);
    given().get("/v1/models").then().statusCode(401);
    given().get("/v1/jobs/events").then().statusCode(401);
  }

  @Test
  void withoutKafkaThereAreNoJobsToFollow() {
    api().get("/v1/jobs/events").then().statusCode(404)
        .body("detail", containsString("does not follow Kafka"));
  }

  @Test
  void aVersionAnswersWithTheKeysOfItsManifestThatTheServiceDoesNotModel() throws IOException {
    int version = publishTrainedVersion();
    api().get("/v1/models/" + SEGMENTER + "/versions/" + version).then().statusCode(200)
        .body("dataset.'train-count'", equalTo(624))
        .body("training.'request-id'", equalTo("busi-2026-12-01"))
        .body("history.size()", equalTo(12))
        .body("history[11].phase", equalTo("decoder"))
        .body("history[5].metrics.'val-dice'", equalTo(0.71f));
  }

  @Test
  void showsModelCardsAndDrawsTheApisMaskAndAreasOverTheImage() throws Exception {
    int trained = publishTrainedVersion();
    Path ultrasound = TestImages.ultrasound();

    browser.get(console.toString());
    WebDriverWait wait = new WebDriverWait(browser, Browser.WAIT);
    // The key is asked for, a wrong one is refused with the API's reason.
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key"))).sendKeys("wrong");
    browser.findElement(By.cssSelector("#key-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-error"),
        "not valid"));
    browser.findElement(By.id("api-key")).sendKeys(Api.KEY);
    browser.findElement(By.cssSelector("#key-form button")).click();

    // The cards: the trained version serves and has curves; the exported one has none.
    WebElement served = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
        "[data-task='" + SEGMENTER + "'] section.card[data-version='" + trained + "']")));
    assertTrue(served.getText().contains("LoRA rank 3, alpha 15 on q, v"), served.getText());
    assertTrue(served.getText().contains("busi: 624 training, 156 validation"), served.getText());
    assertTrue(served.getText().contains("from training request busi-2026-12-01"),
        served.getText());
    assertTrue(served.getText().contains("passed"), served.getText());
    for (String metric : List.of("train-loss", "val-loss", "val-dice", "decoder-val-dice")) {
      assertEquals(1, served.findElements(
          By.cssSelector("polyline[data-metric='" + metric + "']")).size(), metric);
    }
    assertEquals(1, browser.findElements(By.cssSelector(
        "[data-task='" + SEGMENTER + "'] details.card[data-version='1'] .no-history")).size());
    assertEquals(1, browser.findElements(By.cssSelector(
        "[data-task='" + CLASSIFIER + "'] .no-history")).size());

    // Classification: the probabilities the API gives.
    byte[] xray = TestImages.png8Gray(200, 160);
    Path xrayFile = Files.write(Files.createTempFile("chest-", ".png"), xray);
    new Select(browser.findElement(By.id("task"))).selectByValue(CLASSIFIER);
    browser.findElement(By.id("image")).sendKeys(xrayFile.toString());
    wait.until(ExpectedConditions.numberOfElementsToBe(
        By.cssSelector(".probabilities tr"), CLS_CLASSES.size()));
    Map<String, Float> expected = api().contentType("image/png").body(xray)
        .post("/v1/models/" + CLASSIFIER + "/classify").jsonPath().getMap("probabilities");
    for (WebElement row : browser.findElements(By.cssSelector(".probabilities tr"))) {
      assertEquals(expected.get(row.getAttribute("data-class")),
          Float.parseFloat(row.getAttribute("data-probability")), 1e-6);
    }

    // Segmentation: the legend is the API's answer, and the overlay covers exactly its areas.
    new Select(browser.findElement(By.id("task"))).selectByValue(SEGMENTER);
    browser.findElement(By.id("image")).sendKeys(ultrasound.toString());
    wait.until(ExpectedConditions.numberOfElementsToBe(
        By.cssSelector("#legend tbody tr"), SEG_CLASSES.size()));
    JsonPath answer = api().contentType("image/png").body(Files.readAllBytes(ultrasound))
        .queryParam("format", "json").post("/v1/models/" + SEGMENTER + "/segment").jsonPath();
    List<WebElement> rows = browser.findElements(By.cssSelector("#legend tbody tr"));
    long covered = 0;
    for (int c = 0; c < SEG_CLASSES.size(); c++) {
      WebElement row = rows.get(c);
      String name = answer.getString("classes[" + c + "].name");
      long pixels = answer.getLong("classes[" + c + "].pixels");
      assertEquals(name, row.getAttribute("data-class"));
      assertEquals(pixels, Long.parseLong(row.getAttribute("data-pixels")), name);
      assertEquals(pixels, Long.parseLong(row.getAttribute("data-drawn-pixels")),
          name + ": pixels drawn in its colour");
      Map<String, Integer> box = answer.getMap("classes[" + c + "].bbox");
      assertEquals(box == null ? "" : box.get("x") + "," + box.get("y") + ","
          + box.get("width") + "," + box.get("height"), row.getAttribute("data-bbox"), name);
      assertTrue(row.getText().contains(name), row.getText());
      covered += pixels;
    }
    assertEquals(answer.getLong("width") * answer.getLong("height"), covered);
    int[] size = TestImages.size(Files.readAllBytes(ultrasound));
    WebElement overlay = browser.findElement(By.id("overlay"));
    assertEquals(Integer.toString(size[0]), overlay.getAttribute("width"));
    assertEquals(Integer.toString(size[1]), overlay.getAttribute("height"));

    // The opacity slider fades the mask.
    WebElement slider = browser.findElement(By.id("opacity"));
    ((JavascriptExecutor) browser).executeScript(
        "arguments[0].value = 60; arguments[0].dispatchEvent(new Event('input'));", slider);
    assertEquals("0.6", overlay.getCssValue("opacity"));

    Path screenshot = Path.of(System.getProperty("console.screenshot",
        "target/console.png"));
    Files.createDirectories(screenshot.toAbsolutePath().getParent());
    Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  /**
   * Publishes the segmenter again as a trained LoRA version would be (its request, data set and
   * metrics and per-epoch history), and serves it.
   */
  private int publishTrainedVersion() throws IOException {
    for (int v : new ModelStore(store).versions(SEGMENTER)) {
      if (v > 1) {
        return v; // the other test published it
      }
    }
    // As a trained version's manifest reads: the template's, with a request, data set and metrics.
    ObjectMapper json = new ObjectMapper();
    ObjectNode draft = (ObjectNode) json.readTree(
        ModelStoreResource.templateStore().resolve(SEGMENTER + "/1/manifest.json").toFile());
    draft.set("method", json.readTree("""
        {"kind": "lora", "lora-rank": 3, "lora-alpha": 15.0, "lora-targets": ["q", "v"],
         "rs-lora": false}"""));
    draft.set("training", json.readTree("""
        {"schema-version": 1, "request-id": "busi-2026-12-01", "task": "%s",
         "kind": "segmentation", "class-names": ["background", "benign", "malignant"],
         "dataset": {"location": "Dataset_BUSI_with_GT", "layout": "busi"},
         "checkpoint": "dinov2-small/model.safetensors"}""".formatted(SEGMENTER)));
    draft.set("metrics", json.readTree("""
        {"dice": 0.74, "val-loss": 0.31, "trainable-params": 1155}"""));
    draft.set("dataset", json.readTree("""
        {"layout": "busi", "fingerprint-sha256": "%s", "train-count": 624,
         "validation-count": 156, "skipped-images": 0, "skipped-summary": ""}"""
        .formatted("ab".repeat(32))));
    ArrayNode history = draft.putArray("history"); // two phases, as the trainer records them
    double[] dice = {0.32, 0.48, 0.58, 0.64, 0.68, 0.71};
    for (int e = 1; e <= 6; e++) {
      ObjectNode h = history.addObject().put("phase", "train").put("epoch", e).put("seconds", 41.5);
      h.putObject("metrics").put("train-loss", 1.1 / e).put("val-loss", 1.2 / Math.sqrt(e))
          .put("val-dice", dice[e - 1]);
    }
    for (int e = 1; e <= 6; e++) {
      ObjectNode h = history.addObject().put("phase", "decoder").put("epoch", e).put("seconds", 12.0);
      h.putObject("metrics").put("decoder-train-loss", 0.5 / e).put("decoder-val-dice", 0.71 + 0.005 * e);
    }
    draft.put("created-at", "2026-12-01T09:30:00Z"); // a fixed time, so the screenshot is stable
    byte[] model = Files.readAllBytes(Stores.templateModel(SEGMENTER));
    ModelManifest published = new ModelStore(store).publish(SEGMENTER, model,
        ManifestCodec.fromJson(draft.toString()).draft()).manifest();
    sources.rescan();
    return published.version();
  }
}
