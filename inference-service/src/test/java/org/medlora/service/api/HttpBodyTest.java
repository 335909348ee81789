package org.medlora.service.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.service.testing.Api;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.TestTasks;

/** Request bodies at the HTTP layer: uploads cut short by the client, bodies above its limit. */
@QuarkusTest
@WithTestResource(value = ModelStoreResource.class,
    initArgs = @ResourceArg(name = "tasks", value = TestTasks.SEGMENTER))
class HttpBodyTest {

  static final String SEGMENT = "/v1/models/" + TestTasks.SEGMENTER + "/segment";

  @TestHTTPResource("/")
  URI base;

  @ConfigProperty(name = "medlora.images.max-bytes")
  long maxImageBytes;

  private static final PatternFormatter MESSAGE = new PatternFormatter("%s");

  /** What ProblemMapper logs while a test runs. */
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      logged.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureLogs() {
    Logger.getLogger(ProblemMapper.class.getName()).addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    Logger.getLogger(ProblemMapper.class.getName()).removeHandler(capture);
  }

  @Test
  void aClientThatHangsUpMidUploadIsLoggedAsAnAbortNotAnError() throws Exception {
    Api.awaitReady();
    String head = "POST " + SEGMENT + " HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + Api.KEY
        + "\r\nContent-Length: 1000000\r\n";
    // A raw body, and a multipart upload, each a fiftieth sent before the socket closes.
    hangUpAfter(head + "Content-Type: image/png\r\n\r\n");
    hangUpAfter(head + "Content-Type: multipart/form-data; boundary=b\r\n\r\n--b\r\n"
        + "Content-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n");

    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> logged.stream()
        .filter(r -> text(r).contains("the client closed the connection")).count() == 2);
    for (LogRecord r : logged) {
      assertTrue(r.getLevel().intValue() < Level.INFO.intValue() && r.getThrown() == null,
          "a client abort is debug output without a stack trace: " + r.getLevel() + " "
              + text(r));
    }
  }

  @Test
  void aBodyAboveTheHttpLimitIsRefusedWithAProblem() throws Exception {
    // 3 MB in %test: above medlora.images.max-bytes, so the HTTP layer is the one refusing.
    long size = 3 * 1024 * 1024 + 1;
    // As curl sends a large upload: headers with Expect: 100-continue, the body only after a 100.
    String response;
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("POST " + SEGMENT + " HTTP/1.1\r\nHost: localhost\r\n"
          + "X-API-Key: " + Api.KEY + "\r\nContent-Type: image/png\r\nContent-Length: " + size
          + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    String[] headAndBody = response.split("\r\n\r\n", 2);
    assertTrue(headAndBody[0].startsWith("HTTP/1.1 413 "), headAndBody[0]);
    assertTrue(headAndBody[0].toLowerCase(Locale.ROOT)
        .contains("content-type: application/problem+json"), headAndBody[0]);
    JsonPath problem = JsonPath.from(headAndBody[1]);
    assertEquals("urn:medlora:problem:image-too-large", problem.getString("type"));
    assertEquals(413, problem.getInt("status"));
    assertEquals(SEGMENT, problem.getString("instance"));
    assertEquals(maxImageBytes, problem.getLong("max-bytes"));
    assertTrue(problem.getString("detail").contains(size + " bytes"), problem.getString("detail"));
  }

  /** The message with its parameters filled in. */
  private static String text(LogRecord r) {
    return MESSAGE.format(r);
  }

  private void hangUpAfter(String head) throws Exception {
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[20_000]);
      out.flush();
      Thread.sleep(1000); // the service is reading the body by now
    }
  }
}
