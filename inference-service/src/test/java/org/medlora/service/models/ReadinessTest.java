package org.medlora.service.models;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.medlora.service.testing.TestTasks.CLASSIFIER;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.Stores;
import org.medlora.service.testing.TestImages;

/**
 * Starts on an empty store with authentication off and {@code chest-xray} required: not ready
 * until that task is loaded, live throughout, and /v1 open without credentials.
 */
@QuarkusTest
@TestProfile(ReadinessTest.AuthOffRequiringChestXray.class)
@WithTestResource(value = ModelStoreResource.class, initArgs = @ResourceArg(name = "tasks", value = ""))
class ReadinessTest {

  public static class AuthOffRequiringChestXray implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("medlora.auth.enabled", "false",
          "medlora.readiness.required-tasks", CLASSIFIER);
    }
  }

  @Inject ModelSources sources;

  @ConfigProperty(name = "medlora.store.path")
  Path store;

  @Test
  void readyOnlyOnceTheRequiredTaskIsLoadedAndOpenWithoutCredentials() throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> given().get("/q/health/ready").statusCode() == 503);
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/health/ready").then().statusCode(503)
        .body("checks[0].data.missing", equalTo(CLASSIFIER));
    // Authentication is off: no 401, just no such model yet.
    given().contentType("image/png").body(TestImages.png8Gray(30, 30))
        .post("/v1/models/" + CLASSIFIER + "/classify").then().statusCode(404);
    given().get("/v1/models").then().statusCode(200).body("models.size()", equalTo(0));

    Stores.publish(store, SEGMENTER, SEGMENTER, SEGMENTER);
    sources.rescan();
    given().get("/q/health/ready").then().statusCode(503); // a model, but not the required one

    Stores.publish(store, CLASSIFIER, CLASSIFIER, CLASSIFIER);
    sources.rescan();
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().contentType("image/png").body(TestImages.png8Gray(30, 30))
        .post("/v1/models/" + CLASSIFIER + "/classify").then().statusCode(200)
        .body("version", equalTo(1));
  }
}
