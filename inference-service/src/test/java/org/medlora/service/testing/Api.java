package org.medlora.service.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;

/** RestAssured shortcuts for the tests. */
public final class Api {

  /** The key configured for %test in application.properties. */
  public static final String KEY = "test-key";

  private Api() {}

  /** A request with the test API key. */
  public static RequestSpecification api() {
    return given().header("X-API-Key", KEY);
  }

  /** POSTs an image as the raw body. */
  public static ValidatableResponse post(String path, String contentType, byte[] body) {
    return api().contentType(contentType).body(body).when().post(path).then();
  }

  /** Waits until /q/health/ready says UP. */
  public static void awaitReady() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
  }
}
