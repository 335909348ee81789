package org.medlora.service.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.Topics;
import org.medlora.service.testing.Api;
import org.medlora.service.testing.Browser;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.testsupport.KafkaBrokerResource;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Wait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code GET /v1/jobs/events} on a real broker: the running jobs first, then each event of
 * {@code training-events} as the trainer sends it; finished jobs leave the running set, and
 * records that are not job events are skipped; the console shows them as progress bars.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(value = ModelStoreResource.class, initArgs = @ResourceArg(name = "tasks", value = ""))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobEventsTest {

  private static final long TIMEOUT_SECONDS = 60;

  @TestHTTPResource("/v1/jobs/events")
  URL events;

  @TestHTTPResource("/")
  URL console;

  @Test
  @Order(2)
  void streamsTheRunningJobsThenEachEventAsItComes() throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      send(producer, new JobEvent.Accepted("job-a", SEGMENTER, Instant.now(), 1, "cpu"));
      send(producer, new JobEvent.Accepted("job-b", SEGMENTER, Instant.now(), 1, "cpu"));
      producer.send(new ProducerRecord<>(Topics.TRAINING_EVENTS, "junk", "not a job event")).get();
      send(producer, progress("job-a", 1));

      try (Follower first = new Follower()) {
        // The follower read the backlog: job-b accepted, job-a at epoch 1, junk skipped.
        JobEvent event = first.awaitEvent(e -> e instanceof JobEvent.Progress p && p.epoch() == 1);
        assertEquals("job-a", event.requestId());

        send(producer, progress("job-a", 2));
        JobEvent.Progress second = (JobEvent.Progress) first.awaitEvent(
            e -> e instanceof JobEvent.Progress p && p.epoch() == 2);
        assertEquals(3, second.totalEpochs());
        assertEquals(Map.of("train-loss", 0.5, "val-dice", 0.2 * 2), second.metrics());

        send(producer, JobEvent.Completed.of("job-a", 1, Instant.now(), manifest()));
        send(producer, new JobEvent.Failed("job-b", SEGMENTER, Instant.now(), "out of memory",
            "use a smaller batch-size", 1));
        send(producer, new JobEvent.Accepted("job-c", SEGMENTER, Instant.now(), 1, "cpu"));
        first.awaitEvent(e -> e instanceof JobEvent.Completed);
        JobEvent failed = first.awaitEvent(e -> e instanceof JobEvent.Failed);
        assertEquals("out of memory", ((JobEvent.Failed) failed).reason());
        first.awaitEvent(e -> e.requestId().equals("job-c"));
      }

      // A newcomer sees only what still runs: job-c, not the finished job-a and job-b.
      try (Follower later = new Follower()) {
        Set<String> running = later.requestIdsUntilQuiet(Duration.ofSeconds(2));
        assertTrue(running.contains("job-c"), running.toString());
        assertFalse(running.contains("job-a") || running.contains("job-b"), running.toString());
      }
    }
  }

  @Test
  @Order(1)
  void theConsoleShowsEachRunningJobWithALiveProgressBar() throws Exception {
    WebDriver browser = Browser.start();
    try (KafkaProducer<String, String> producer = producer()) {
      // Before any job: the section is there, and says that nothing runs.
      Browser.openConsole(browser, console);
      // The list is drawn anew on every event, so an element found may be gone a moment later.
      Wait<WebDriver> wait = new WebDriverWait(browser, Browser.WAIT)
          .ignoring(StaleElementReferenceException.class);
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("jobs-empty")));

      send(producer, progress("job-d", 1));
      By bar = By.cssSelector("li[data-request-id='job-d'] progress");
      wait.until(ExpectedConditions.attributeToBe(bar, "value", "1"));
      wait.until(ExpectedConditions.attributeToBe(bar, "max", "3"));

      send(producer, progress("job-d", 2));
      wait.until(ExpectedConditions.attributeToBe(bar, "value", "2"));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(
          By.cssSelector("li[data-request-id='job-d']"), "train: epoch 2 of 3"));

      send(producer, JobEvent.Completed.of("job-d", 1, Instant.now(), manifest()));
      wait.until(ExpectedConditions.attributeToBe(
          By.cssSelector("li[data-request-id='job-d']"), "data-type", "completed"));
    } finally {
      browser.quit();
    }
  }

  private static JobEvent.Progress progress(String requestId, int epoch) {
    return new JobEvent.Progress(requestId, SEGMENTER, Instant.now(), "train", epoch, 3,
        Map.of("train-loss", 0.5, "val-dice", 0.2 * epoch), 4.5, 9.0);
  }

  private static ModelManifest manifest() throws IOException {
    return ManifestCodec.fromJson(Files.readString(
        ModelStoreResource.templateStore().resolve(SEGMENTER + "/1/manifest.json")));
  }

  private static void send(KafkaProducer<String, String> producer, JobEvent event)
      throws Exception {
    producer.send(new ProducerRecord<>(Topics.TRAINING_EVENTS, event.requestId(),
        MessageCodec.toJson(event))).get();
  }

  private static KafkaProducer<String, String> producer() {
    String bootstrapServers =
        ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers),
        new StringSerializer(), new StringSerializer());
  }

  /** One client of the event stream: its events, parsed with the shared codec, in order. */
  private final class Follower implements AutoCloseable {

    private final BlockingQueue<JobEvent> received = new LinkedBlockingQueue<>();
    private final Stream<String> lines;

    Follower() throws Exception {
      HttpRequest request = HttpRequest.newBuilder(URI.create(events.toString()))
          .header("X-API-Key", Api.KEY).header("Accept", "text/event-stream").build();
      HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
          .send(request, HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, response.statusCode());
      lines = response.body();
      Thread reader = new Thread(() -> {
        try {
          lines.filter(l -> l.startsWith("data:"))
              .forEach(l -> received.add(MessageCodec.fromJson(l.substring(5).trim(), JobEvent.class)));
        } catch (RuntimeException e) {
          // closed by the test
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    JobEvent awaitEvent(java.util.function.Predicate<JobEvent> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      List<String> seen = new java.util.ArrayList<>();
      while (System.nanoTime() < deadline) {
        JobEvent e = received.poll(200, TimeUnit.MILLISECONDS);
        if (e != null && wanted.test(e)) {
          return e;
        }
        if (e != null) {
          seen.add(e.requestId() + ":" + e.type());
        }
      }
      throw new AssertionError("the awaited event did not come within " + TIMEOUT_SECONDS
          + " s; came: " + seen);
    }

    Set<String> requestIdsUntilQuiet(Duration quiet) throws InterruptedException {
      Set<String> ids = new LinkedHashSet<>();
      JobEvent first = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (JobEvent e = first; e != null; e = received.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) {
        ids.add(e.requestId());
      }
      return ids;
    }

    @Override
    public void close() {
      lines.close();
    }
  }
}
