package org.medlora.stacktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.stacktests.StackFiles.figure;
import static org.medlora.stacktests.StackFiles.request;
import static org.medlora.stacktests.StackFiles.seconds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.Topics;
import org.medlora.kafkanode.KafkaNode;
import org.medlora.stacktests.StackFiles.Answer;

/**
 * The four ways a fault run once broke "one request, one trained model, announced once", each
 * reproduced as it was found on {@code bin/medlora up}'s real processes: a second worker joining
 * mid-job, a SIGKILL right after the version directory appears, the broker stopped for longer
 * than the clients' timeouts, a SIGKILL within a second of {@code completed}. Each ends with
 * exactly one version for the request id, its announcement on {@code model-published}, the
 * service (which follows Kafka) serving it, the request acknowledged, and no attempt with two
 * terminal events. The clients' Kafka timeouts are shrunk (8 s to deliver, 4 s per request) so
 * that an outage longer than them takes seconds, not minutes. Recovery times are printed as
 * {@code [figure]} lines.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryFaultsTest {

  private static final String GROUP = "medlora-trainers";
  /** The worker's and service's Kafka clients give up a send after 8 s, a request after 4 s. */
  private static final String SHORT_KAFKA_TIMEOUTS = "-Dkafka.delivery.timeout.ms=8000 -Dkafka.request.timeout.ms=4000"
      + " -Dkafka.max.block.ms=4000 -Dkafka.default.api.timeout.ms=8000";
  private static final Duration BROKER_AWAY = Duration.ofSeconds(20);
  private static final Duration WAIT = Duration.ofMinutes(3);

  static StackFiles files;
  static UpProcess up;
  static Kafka kafka;

  @BeforeAll
  static void up() throws Exception {
    files = StackFiles.write("stack-faults");
    up = UpProcess.start(files.store, files.datasets, files.checkpoints, StackFiles.API_KEY,
        StackEndToEndTest.START_TIMEOUT, Map.of("MEDLORA_JAVA_OPTS", SHORT_KAFKA_TIMEOUTS,
            "MEDLORA_WORKER_INSTANCE_ID", "up-worker"));
    kafka = new Kafka(up.bootstrap());
  }

  @AfterAll
  static void down() {
    if (kafka != null) {
      kafka.close();
    }
    if (up != null) {
      up.close();
    }
  }

  @Test
  @Order(1)
  void aSecondWorkerJoiningMidJobLeavesOneVersionAndBothWorkersShareTheRequests() throws Exception {
    RecordMetadata sent = kafka.send(Topics.TRAINING_REQUESTS, "f-join", request("f-join", "faults-join", 600));
    awaitProgress("f-join");
    try (SecondWorker second = SecondWorker.start(files)) {
      await("the second worker reads partitions", () -> second.log().contains("now reading training-requests partitions"));
      kafka.poll();
      assertTrue(kafka.seen("f-join").stream().noneMatch(JobEvent::terminal), "it joined mid-job");
      Map<String, List<Integer>> shares = kafka.assignments(GROUP);
      assertEquals(2, shares.size(), "two workers in the group: " + shares);
      assertTrue(shares.values().stream().noneMatch(List::isEmpty), "both read partitions: " + shares);
      assertAnsweredOnce("f-join", "faults-join", sent);

      // Shut down with a job running: it stops quietly, and the other worker takes the request over.
      int partition = shares.get("second-worker").get(0);
      RecordMetadata running = kafka.send(Topics.TRAINING_REQUESTS, partition, "f-stop", request("f-stop", "faults-stop", 200));
      awaitProgress("f-stop");
      long stopped = System.nanoTime();
      second.stop();
      await("the request taken over", () -> {
        kafka.poll();
        return kafka.seen("f-stop").stream().anyMatch(e -> e instanceof JobEvent.Accepted a && a.attempt() == 2);
      });
      figure("second worker SIGTERM mid-job to the first worker's accepted (static member, 10 s session): %.1f s",
          seconds(stopped));
      assertAnsweredOnce("f-stop", "faults-stop", running);
      String log = second.log();
      assertTrue(log.contains("the running job stops at its next batch"), log);
      assertFalse(log.contains(" ERROR "), "no errors on shutdown:\n" + log);
    }
  }

  @Test
  @Order(2)
  void aWorkerKilledRightAfterTheVersionDirectoryAppearsStillAnnouncesIt() throws Exception {
    RecordMetadata sent = kafka.send(Topics.TRAINING_REQUESTS, "f-publish", request("f-publish", "faults-publish", 20));
    Path version = files.store.resolve("faults-publish").resolve("1");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.isDirectory(version)) {
      assertTrue(System.nanoTime() < deadline, "the version appeared");
      Thread.sleep(5);
    }
    long killed = killWorker();
    assertAnsweredOnce("f-publish", "faults-publish", sent);
    figure("worker SIGKILL right after publishing to its version announced, served and acknowledged: %.1f s",
        seconds(killed));
  }

  @Test
  @Order(3)
  void aBrokerAwayLongerThanTheClientsTimeoutsDelaysTheJobWithoutFailingIt() throws Exception {
    RecordMetadata sent = kafka.send(Topics.TRAINING_REQUESTS, "f-outage", request("f-outage", "faults-outage", 150));
    awaitProgress("f-outage");
    ProcessHandle broker = up.child("kafka.Kafka");
    signal(broker, "STOP");
    long resumed;
    try {
      Thread.sleep(BROKER_AWAY.toMillis());
    } finally {
      signal(broker, "CONT");
      resumed = System.nanoTime();
    }
    assertAnsweredOnce("f-outage", "faults-outage", sent);
    figure("broker stopped %d s (clients time out after 8 s): from its return to the job answered, served and"
        + " acknowledged: %.1f s", BROKER_AWAY.toSeconds(), seconds(resumed));
    assertTrue(kafka.terminalEvents("f-outage").stream().allMatch(e -> e instanceof JobEvent.Completed),
        "never failed: " + kafka.terminalEvents("f-outage"));
  }

  @Test
  @Order(4)
  void aWorkerKilledWithinASecondOfCompletedDoesNotAnswerTheSameAttemptTwice() throws Exception {
    RecordMetadata sent = kafka.send(Topics.TRAINING_REQUESTS, "f-done", request("f-done", "faults-done", 3));
    kafka.untilTerminal("f-done");
    long killed = killWorker();
    assertAnsweredOnce("f-done", "faults-done", sent);
    figure("worker SIGKILL right after completed to the request acknowledged: %.1f s", seconds(killed));
  }

  /** SIGKILL of up's worker; returns when, once up has restarted it. */
  private static long killWorker() throws Exception {
    int restarts = count(up.output(), "the trainer worker is ready again");
    long killed = System.nanoTime();
    up.child("trainer-worker").destroyForcibly();
    await("up restarted the worker", () -> count(output(), "the trainer worker is ready again") > restarts);
    figure("worker SIGKILL to restarted worker ready: %.1f s", seconds(killed));
    return killed;
  }

  /**
   * The request ended as promised: one version of {@code task}, announced, served by the service,
   * the request acknowledged, every terminal event completed and none twice for one attempt.
   */
  private static void assertAnsweredOnce(String requestId, String task, RecordMetadata sent) throws Exception {
    await(requestId + " completed", () -> kafka.terminalEvents(requestId).stream().anyMatch(e -> e instanceof JobEvent.Completed));
    await(requestId + " acknowledged", () -> kafka.committed(GROUP, Topics.TRAINING_REQUESTS)
        .getOrDefault(sent.partition(), -1L) > sent.offset());
    assertEquals(List.of("1"), files.versions(task), "exactly one version");
    kafka.announcement(task, 1);
    await(task + " served", () -> serves(task));
    // At least once: a copy of an event may arrive twice, never two different answers to one attempt.
    List<JobEvent> terminal = kafka.terminalEvents(requestId);
    Map<Integer, Set<JobEvent>> perAttempt = terminal.stream().collect(Collectors.groupingBy(DeliveryFaultsTest::attempt,
        Collectors.toSet()));
    assertTrue(perAttempt.values().stream().allMatch(answers -> answers.size() == 1),
        "one terminal event per attempt: " + terminal);
    assertTrue(terminal.stream().allMatch(e -> e instanceof JobEvent.Completed c && c.modelPath().equals(task + "/1")),
        "every answer names the one version: " + terminal);
  }

  private static int attempt(JobEvent terminal) {
    if (terminal instanceof JobEvent.Completed c) {
      return c.attempt();
    }
    return terminal instanceof JobEvent.Failed f ? f.attempt() : ((JobEvent.Cancelled) terminal).attempt();
  }

  private static boolean serves(String task) {
    try {
      return files.segment(up.port, task).equals(new Answer(200, "1"));
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static void awaitProgress(String requestId) throws InterruptedException {
    await(requestId + " is training", () -> {
      kafka.poll();
      return kafka.seen(requestId).stream().anyMatch(e -> e instanceof JobEvent.Progress);
    });
    assertTrue(kafka.seen(requestId).stream().noneMatch(JobEvent::terminal), requestId + " still running");
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within " + WAIT + "; up's output:\n" + output());
      Thread.sleep(100);
    }
  }

  private static void signal(ProcessHandle process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
  }

  private static String output() {
    try {
      return up.output();
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static int count(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  /** A second worker on the same broker and store, as a second machine's would be. */
  private static final class SecondWorker implements AutoCloseable {
    private final Process process;
    private final Path log;

    private SecondWorker(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    static SecondWorker start(StackFiles files) throws IOException {
      Path log = files.dir.resolve("second-worker.log");
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Dai.djl.offline=true",
          "-Dmedlora.store.path=" + files.store,
          "-Dmedlora.worker.dataset-root=" + files.datasets,
          "-Dmedlora.worker.checkpoint-root=" + files.checkpoints,
          "-Dkafka.bootstrap.servers=" + up.bootstrap(),
          "-Dquarkus.http.port=" + KafkaNode.freePort(),
          "-jar", Cli.home().resolve("trainer-worker/target/quarkus-app/quarkus-run.jar").toString())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("MEDLORA_WORKER_INSTANCE_ID", "second-worker");
      return new SecondWorker(builder.start(), log);
    }

    String log() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    /** SIGTERM, as a service manager stops it. */
    void stop() throws InterruptedException {
      process.destroy();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the second worker stopped");
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
