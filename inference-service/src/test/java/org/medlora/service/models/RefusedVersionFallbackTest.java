package org.medlora.service.models;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.medlora.service.testing.Api.api;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.Stores;
import org.medlora.service.testing.TestImages;

/**
 * Starts on a store whose task has a good version 1 and a newest version 2 whose model.onnx fails
 * its checksum: version 1 serves, the service is ready, and version 2 is listed as skipped with
 * the reason. Versions removed from the store are replaced by the newest one that loads.
 */
@QuarkusTest
@WithTestResource(value = RefusedVersionFallbackTest.CorruptNewestStore.class,
    initArgs = @ResourceArg(name = "tasks", value = SEGMENTER))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RefusedVersionFallbackTest {

  static final String SEGMENT = "/v1/models/" + SEGMENTER + "/segment";

  /** The test models' segmenter as version 1, and a version 2 with one byte of its model flipped. */
  public static class CorruptNewestStore extends ModelStoreResource {
    @Override
    public Map<String, String> start() {
      Map<String, String> config = super.start();
      try {
        Stores.publish(Path.of(config.get("medlora.store.path")), SEGMENTER, SEGMENTER, SEGMENTER);
        Stores.corruptModel(Path.of(config.get("medlora.store.path")), SEGMENTER, 2);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return config;
    }
  }

  @Inject ModelSources sources;

  @ConfigProperty(name = "medlora.store.path")
  Path store;

  @Test
  @Order(1)
  void startsReadyOnTheNewestVersionThatVerifiesAndSaysWhichWasSkippedAndWhy() {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
    segment().header("Medlora-Model-Version", "1");
    api().get("/v1/models").then().statusCode(200)
        .body("models[0].version", equalTo(1))
        .body("models[0].published-versions", equalTo(List.of(1, 2)))
        .body("models[0].skipped-versions.version", equalTo(List.of(2)))
        .body("models[0].skipped-versions[0].reason", containsString("sha256"));
  }

  @Test
  @Order(2)
  void aRefusedVersionIsAnsweredFromMemoryWithTheReason() throws IOException {
    pinned(2).statusCode(404).contentType("application/problem+json")
        .body("type", equalTo("urn:medlora:problem:model-refused"))
        .body("detail", containsString("sha256"))
        .body("detail", containsString("version 1 serves this task"));
    // Repaired behind the service's back: were the version opened again, it would now load.
    Files.copy(Stores.templateModel(SEGMENTER), store.resolve(SEGMENTER + "/2/model.onnx"),
        StandardCopyOption.REPLACE_EXISTING);
    pinned(2).statusCode(404).body("detail", containsString("sha256"));
  }

  @Test
  @Order(3)
  void aVersionsMetadataIsReadWithoutVerifyingItsModel() throws IOException {
    Stores.corruptModel(store, SEGMENTER, 2);
    api().get("/v1/models/" + SEGMENTER + "/versions/2").then().statusCode(200)
        .body("version", equalTo(2))
        .body("task", equalTo(SEGMENTER));
  }

  @Test
  @Order(4)
  void aServingVersionRemovedFromTheStoreIsReplacedByTheNewestThatLoads() throws IOException {
    Stores.publish(store, SEGMENTER, SEGMENTER, SEGMENTER); // version 3
    sources.rescan();
    segment().header("Medlora-Model-Version", "3");
    api().get("/v1/models").then().body("models[0].skipped-versions", equalTo(List.of()));

    delete(store.resolve(SEGMENTER + "/3"));
    sources.rescan();
    segment().header("Medlora-Model-Version", "1");
    given().get("/q/health/ready").then().statusCode(200);
    api().get("/v1/models").then().body("models[0].skipped-versions.version", equalTo(List.of(2)));
  }

  @Test
  @Order(5)
  void aNumberFreedByRemovingARefusedVersionIsTriedAgainWhenRepublished() throws IOException {
    delete(store.resolve(SEGMENTER + "/2"));
    sources.rescan(); // the service sees version 2 gone, and forgets why it was refused
    Stores.publish(store, SEGMENTER, SEGMENTER, SEGMENTER); // the store numbers it 2 again
    sources.rescan();
    segment().header("Medlora-Model-Version", "2");
    api().get("/v1/models").then().body("models[0].skipped-versions", equalTo(List.of()));
  }

  private static ValidatableResponse segment() {
    return api().contentType("image/png").body(TestImages.png8Gray(40, 40)).post(SEGMENT).then()
        .statusCode(200);
  }

  private static ValidatableResponse pinned(int version) {
    return api().contentType("image/png").body(TestImages.png8Gray(40, 40))
        .queryParam("version", version).post(SEGMENT).then();
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
