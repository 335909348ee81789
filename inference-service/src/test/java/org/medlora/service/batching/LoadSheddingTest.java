package org.medlora.service.batching;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.medlora.service.testing.Api;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.TestImages;

/** A full queue answers 503 with Retry-After at once, and the service keeps serving. */
@QuarkusTest
@TestProfile(LoadSheddingTest.TinyQueue.class)
@WithTestResource(value = ModelStoreResource.class,
    initArgs = @ResourceArg(name = "tasks", value = SEGMENTER))
class LoadSheddingTest {

  public static class TinyQueue implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("medlora.batching.max-queue-size", "1",
          "medlora.batching.max-batch-size", "1",
          "medlora.batching.max-queue-delay", "0ms",
          "medlora.batching.retry-after", "2s",
          "medlora.auth.enabled", "false");
    }
  }

  @Test
  void aBurstBeyondTheQueueGets503WithRetryAfterAndNothingElseFails() throws Exception {
    Api.awaitReady();
    byte[] image = TestImages.png8Gray(32, 32);
    int shed = 0;
    for (int burst = 0; burst < 5 && shed == 0; burst++) {
      List<Response> responses = burst(image, 32);
      for (Response r : responses) {
        assertTrue(Set.of(200, 503).contains(r.statusCode()), r.statusCode() + " " + r.asString());
        if (r.statusCode() == 503) {
          shed++;
          assertEquals("2", r.header("Retry-After"));
          assertEquals("application/problem+json", r.contentType());
          assertEquals("urn:medlora:problem:overloaded", r.jsonPath().getString("type"));
        }
      }
    }
    assertTrue(shed > 0, "32 simultaneous requests on a queue of 1 shed some load");
    given().contentType("image/png").body(image).post("/v1/models/" + SEGMENTER + "/segment")
        .then().statusCode(200);
  }

  private static List<Response> burst(byte[] image, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Response>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        calls.add(pool.submit(() -> {
          go.await();
          return given().contentType("image/png").body(image)
              .post("/v1/models/" + SEGMENTER + "/segment");
        }));
      }
      go.countDown();
      List<Response> out = new ArrayList<>();
      for (Future<Response> f : calls) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
