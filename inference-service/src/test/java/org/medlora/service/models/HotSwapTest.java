package org.medlora.service.models;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.service.testing.Api.api;
import static org.medlora.service.testing.TestTasks.CLASSIFIER;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medlora.service.testing.Api;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.Stores;
import org.medlora.service.testing.TestImages;

/** New versions swap in under load without a failed request; a broken one never replaces a good one. */
@QuarkusTest
@WithTestResource(value = ModelStoreResource.class,
    initArgs = @ResourceArg(name = "tasks", value = SEGMENTER))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotSwapTest {

  static final String SEGMENT = "/v1/models/" + SEGMENTER + "/segment";

  @Inject ModelSources sources;
  @Inject ModelRegistry registry;

  @ConfigProperty(name = "medlora.store.path")
  Path store;

  @BeforeEach
  void ready() {
    Api.awaitReady();
  }

  @Test
  @Order(1)
  void swapsInANewVersionUnderConcurrentRequestsWithZeroFailures() throws Exception {
    byte[] image = TestImages.png8Gray(160, 120);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger done = new AtomicInteger();
    Queue failures = new Queue();
    Set<String> versions = ConcurrentHashMap.newKeySet();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          Response r = api().contentType("image/png").body(image).post(SEGMENT);
          if (r.statusCode() == 200) {
            versions.add(r.header("Medlora-Model-Version"));
          } else {
            failures.add(r.statusCode() + " " + r.asString());
          }
          done.incrementAndGet();
        }
      });
      t.start();
      clients.add(t);
    }
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= 20);
      Stores.publish(store, SEGMENTER, SEGMENTER, SEGMENTER); // version 2, published as the trainer does
      sources.rescan();
      int afterSwap = done.get();
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> versions.contains("2") && done.get() >= afterSwap + 20);
    } finally {
      stop.set(true);
      for (Thread t : clients) {
        t.join(30_000);
      }
    }
    assertTrue(failures.isEmpty(), "requests failed during the swap: " + failures);
    assertEquals(Set.of("1", "2"), versions, "served by v1, then v2");
    assertEquals(List.of(SEGMENTER), registry.servedTasks());
    api().get("/v1/models/" + SEGMENTER).then().statusCode(200).body("model.version", equalTo(2));
  }

  @Test
  @Order(2)
  void aPinnedVersionIsStillServedAfterTheSwap() {
    api().contentType("image/png").body(TestImages.png8Gray(40, 40)).queryParam("version", 1)
        .post(SEGMENT).then().statusCode(200).header("Medlora-Model-Version", "1");
    api().contentType("image/png").body(TestImages.png8Gray(40, 40))
        .post(SEGMENT).then().statusCode(200).header("Medlora-Model-Version", "2");
    api().get("/v1/models").then().statusCode(200)
        .body("models[0].pinned-versions-loaded", equalTo(List.of(1)));
  }

  @Test
  @Order(3)
  void aVersionThatFailsToLoadLeavesThePreviousOneServingAndSaysWhy() throws Exception {
    // Version 3: the classifier's ONNX file under the segmenter's manifest.
    Stores.publish(store, SEGMENTER, CLASSIFIER, SEGMENTER);
    sources.rescan();
    api().contentType("image/png").body(TestImages.png8Gray(40, 40)).post(SEGMENT)
        .then().statusCode(200).header("Medlora-Model-Version", "2");
    api().get("/v1/models/" + SEGMENTER).then().statusCode(200)
        .body("model.version", equalTo(2))
        .body("model.last-load-failure.version", equalTo(3))
        .body("model.last-load-failure.reason", containsString("medlora.task"))
        .body("model.published-versions", equalTo(List.of(1, 2, 3)));
    String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
    assertTrue(metrics.contains("medlora_model_loads_total{outcome=\"failure\",task=\"" + SEGMENTER + "\"} 1.0"),
        "failure counted");
    // A pinned request for the broken version is refused with the reason, not a 500.
    api().contentType("image/png").body(TestImages.png8Gray(40, 40)).queryParam("version", 3)
        .post(SEGMENT).then().statusCode(404)
        .body("type", equalTo("urn:medlora:problem:model-refused"))
        .body("detail", containsString("medlora.task"));
  }

  /** Failed responses, collected from the client threads. */
  static final class Queue extends ConcurrentLinkedQueue<String> {
    private static final long serialVersionUID = 1L;
  }
}
