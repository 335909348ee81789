package org.medlora.stacktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.stacktests.StackFiles.figure;
import static org.medlora.stacktests.StackFiles.request;
import static org.medlora.stacktests.StackFiles.seconds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.Topics;
import org.medlora.stacktests.StackFiles.Answer;

/**
 * The whole system through {@code bin/medlora up}'s real processes: a KRaft broker from Maven
 * jars, the built worker and service jars, requests through Kafka, answers over HTTP. Small on
 * purpose: the reference fixture's tiny DINOv2, a dozen synthetic X-rays at 112x112, a linear
 * head for a few epochs. The measured figures are printed ({@code [figure] ...}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackEndToEndTest {

  static final Duration START_TIMEOUT = Duration.ofMinutes(5);

  static StackFiles files;
  static Path dir;
  static UpProcess up;
  static Kafka kafka;

  @BeforeAll
  static void up() throws Exception {
    files = StackFiles.write("stack-e2e");
    dir = files.dir;
    long begin = System.nanoTime();
    up = UpProcess.start(files.store, files.datasets, files.checkpoints, StackFiles.API_KEY, START_TIMEOUT, Map.of());
    figure("up: all three parts ready after %.1f s", seconds(begin));
    kafka = new Kafka(up.bootstrap());
  }

  @AfterAll
  static void down() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (up != null) {
      try {
        List<ProcessHandle> parts = up.children();
        assertEquals(3, parts.size(), "broker, worker and service");
        long begin = System.nanoTime();
        // 143: the JVM's exit code after SIGTERM, once its shutdown hook has stopped the parts.
        assertEquals(143, up.stop(Duration.ofSeconds(90)), "up ends as a SIGTERM-ed JVM does");
        figure("up: stopped all parts on SIGTERM in %.1f s", seconds(begin));
        assertTrue(up.output().contains("medlora up: stopped"), up.output());
        assertTrue(parts.stream().noneMatch(ProcessHandle::isAlive), "no part outlives up");
      } finally {
        up.close();
      }
    }
  }

  private static List<String> types(List<JobEvent> events) {
    return events.stream().map(JobEvent::type).toList();
  }

  @Test
  @Order(1)
  void aRequestThroughKafkaIsTrainedAndServedWithinSecondsOfItsAnnouncement() throws Exception {
    // Clients ask all along, as a hospital's would; the first answer marks when the model serves.
    AtomicLong firstAnswer = new AtomicLong();
    AtomicBoolean asking = new AtomicBoolean(true);
    Thread client = new Thread(() -> {
      while (asking.get() && firstAnswer.get() == 0) {
        try {
          if (segment("lungs").status() == 200) {
            firstAnswer.set(System.currentTimeMillis());
          }
          Thread.sleep(50);
        } catch (IOException | InterruptedException e) {
          return;
        }
      }
    });
    client.start();
    try {
      kafka.send(Topics.TRAINING_REQUESTS, "e2e-1", request("e2e-1", "lungs", 2));
      List<JobEvent> events = kafka.untilTerminal("e2e-1");
      // Progress in between, coalesced while one is on its way (README, "Delivery").
      List<String> story = types(events);
      assertEquals("accepted", story.get(0), story.toString());
      assertTrue(story.size() > 2 && story.subList(1, story.size() - 1).stream().allMatch("progress"::equals),
          story.toString());
      assertEquals("lungs/1", assertInstanceOf(JobEvent.Completed.class, last(events), story.toString()).modelPath());
      client.join(Duration.ofSeconds(30).toMillis());
    } finally {
      asking.set(false);
    }
    ConsumerRecord<String, String> announcement = announcement("lungs", 1);
    assertTrue(firstAnswer.get() > 0, "the service answered with the new model");
    long delay = firstAnswer.get() - announcement.timestamp();
    figure("announcement to first answer with lungs v1: %d ms", delay);
    assertTrue(delay < 10_000, "served " + delay + " ms after the announcement");
    Answer answer = segment("lungs");
    assertEquals(new Answer(200, "1"), answer);
  }

  @Test
  @Order(2)
  void theSameRequestIdAgainIsAnsweredWithoutTraining() throws Exception {
    int before = kafka.seen("e2e-1").size();
    kafka.send(Topics.TRAINING_REQUESTS, "e2e-1", request("e2e-1", "lungs", 2));
    List<JobEvent> again = kafka.untilTerminal("e2e-1", before);
    assertEquals(List.of("completed"), types(again), "the stored model's completed event, nothing trained");
    assertEquals("lungs/1", ((JobEvent.Completed) again.get(0)).modelPath());
    assertEquals(List.of("1"), versions("lungs"), "no new version");
  }

  @Test
  @Order(3)
  void aPoisonMessageIsDeadLetteredAndTheNextRequestStillCompletes() throws Exception {
    kafka.send(Topics.TRAINING_REQUESTS, "poison", "{not a request");
    kafka.send(Topics.TRAINING_REQUESTS, "e2e-after-poison", request("e2e-after-poison", "lungs-b", 1));
    assertInstanceOf(JobEvent.Completed.class, last(kafka.untilTerminal("e2e-after-poison")));
    List<ConsumerRecord<String, String>> dead = kafka.all(Topics.TRAINING_REQUESTS_DLQ);
    assertEquals(List.of("{not a request"), dead.stream().map(ConsumerRecord::value).toList(), "kept as received");
    assertTrue(dead.get(0).headers().lastHeader("dead-letter-reason") != null, "with its reason");
  }

  @Test
  @Order(4)
  void aNewVersionSwapsInWhileClientsPostWithoutOneFailedRequest() throws Exception {
    int clients = 4;
    AtomicBoolean asking = new AtomicBoolean(true);
    List<List<Answer>> answers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      List<Answer> mine = Collections.synchronizedList(new ArrayList<>());
      answers.add(mine);
      Thread t = new Thread(() -> {
        try {
          // Until told to stop, and then until this client has been answered by version 2.
          while (asking.get() || mine.isEmpty() || !"2".equals(mine.get(mine.size() - 1).version())) {
            mine.add(segment("lungs"));
            if (!asking.get() && mine.size() > 10_000) {
              return;
            }
          }
        } catch (IOException | InterruptedException e) {
          mine.add(new Answer(-1, e.toString()));
        }
      });
      threads.add(t);
      t.start();
    }
    try {
      kafka.send(Topics.TRAINING_REQUESTS, "e2e-2", request("e2e-2", "lungs", 2));
      assertInstanceOf(JobEvent.Completed.class, last(kafka.untilTerminal("e2e-2")));
    } finally {
      asking.set(false);
      for (Thread t : threads) {
        t.join(Duration.ofSeconds(60).toMillis());
      }
    }
    int total = 0;
    for (List<Answer> mine : answers) {
      total += mine.size();
      assertTrue(mine.stream().allMatch(a -> a.status() == 200), "every request answered: " + mine);
      List<String> versions = mine.stream().map(Answer::version).toList();
      int swap = versions.indexOf("2");
      assertTrue(swap > 0 && versions.subList(0, swap).stream().allMatch("1"::equals)
              && versions.subList(swap, versions.size()).stream().allMatch("2"::equals),
          "each client is answered by version 1, then by version 2 only: " + versions);
    }
    figure("hot swap: %d requests from %d clients during training and swap, none failed", total, clients);
  }

  @Test
  @Order(5)
  void aWorkerKilledMidJobIsRestartedAndTheJobCompletesExactlyOnce() throws Exception {
    // Long enough (about 0.05 s an epoch here) that the kill lands mid-job on a faster machine too.
    kafka.send(Topics.TRAINING_REQUESTS, "e2e-kill", request("e2e-kill", "lungs-k", 150));
    long deadline = System.nanoTime() + Kafka.JOB_TIMEOUT.toNanos();
    while (kafka.seen("e2e-kill").stream().noneMatch(e -> e instanceof JobEvent.Progress)) {
      assertTrue(System.nanoTime() < deadline, "the job started");
      kafka.poll();
    }
    assertTrue(kafka.seen("e2e-kill").stream().noneMatch(JobEvent::terminal), "killed mid-job");
    long killed = System.nanoTime();
    up.child("trainer-worker").destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to Kafka
    while (!up.output().contains("the trainer worker is ready again")) {
      assertTrue(System.nanoTime() < deadline, "up restarted the worker:\n" + up.output());
      Thread.sleep(100);
    }
    figure("worker SIGKILL to restarted worker ready: %.1f s", seconds(killed));
    assertTrue(up.output().contains("the trainer worker exited with code 137"), up.output());
    assertInstanceOf(JobEvent.Completed.class, last(kafka.untilTerminal("e2e-kill")));
    figure("worker SIGKILL to the redelivered job's completed event: %.1f s", seconds(killed));
    assertEquals(List.of("1"), versions("lungs-k"), "exactly one version");
    long completed = kafka.all(Topics.TRAINING_EVENTS).stream()
        .filter(r -> r.key().equals("e2e-kill"))
        .filter(r -> MessageCodec.fromJson(r.value(), JobEvent.class).terminal())
        .count();
    assertEquals(1, completed, "exactly one terminal event, the completed one");
  }

  @Test
  @Order(6)
  void submitFollowsARequestToItsEndAndExitsWithItsOutcome() throws Exception {
    Path ok = Files.writeString(dir.resolve("submit-ok.json"), request("e2e-submit", "lungs-s", 2));
    Cli.Result done = Cli.run("submit", "--request", ok.toString(), "--bootstrap", up.bootstrap());
    assertEquals(0, done.exitCode(), done.output());
    assertTrue(done.output().contains("accepted by a worker (attempt 1, training on cpu)\n"), done.output());
    assertTrue(done.output().contains("train   [####################] epoch 2/2  train-loss "), "plain lines off a terminal");
    assertTrue(done.output().contains("completed: published lungs-s version 1 (lungs-s/1 in the store)\n"), done.output());

    Path missing = Files.writeString(dir.resolve("submit-missing.json"),
        request("e2e-missing", "lungs-m", 2).replace("\"location\": \"lungs\"", "\"location\": \"no-such-data\""));
    Cli.Result failed = Cli.run("submit", "--request", missing.toString(), "--bootstrap", up.bootstrap());
    assertEquals(1, failed.exitCode(), failed.output());
    assertTrue(failed.output().contains("failed: 'dataset.location' no-such-data does not exist"), failed.output());
    assertTrue(failed.output().contains("\nhint: "), failed.output());
  }

  @Test
  @Order(7)
  void cancelStopsARunningJobAndSubmitExitsWithTwo() throws Exception {
    Path longJob = Files.writeString(dir.resolve("submit-long.json"), request("e2e-cancel", "lungs-c", 1000));
    Process submit = Cli.start("submit", "--request", longJob.toString(), "--bootstrap", up.bootstrap());
    long deadline = System.nanoTime() + Kafka.JOB_TIMEOUT.toNanos();
    while (kafka.seen("e2e-cancel").stream().noneMatch(e -> e instanceof JobEvent.Progress)) {
      assertTrue(submit.isAlive(), () -> "submit ended early: " + output(submit));
      assertTrue(System.nanoTime() < deadline, "the job started");
      kafka.poll();
    }
    Cli.Result cancel = Cli.run("cancel", "e2e-cancel", "--bootstrap", up.bootstrap());
    assertEquals(0, cancel.exitCode(), cancel.output());
    String output = output(submit);
    assertTrue(submit.waitFor(2, TimeUnit.MINUTES), output);
    assertEquals(2, submit.exitValue(), output);
    assertTrue(output.contains("\ncancelled: request e2e-cancel was cancelled: cancelled from the command line\n"), output);
    assertEquals(List.of(), versions("lungs-c"), "nothing published");
  }

  @Test
  @Order(8)
  void upStartedAgainOnTheSameStoreKeepsTopicsOffsetsAndModels() throws Exception {
    kafka.close();
    assertEquals(143, up.stop(Duration.ofSeconds(90)), up.output());
    up.close();
    long begin = System.nanoTime();
    up = UpProcess.start(files.store, files.datasets, files.checkpoints, StackFiles.API_KEY, START_TIMEOUT, Map.of());
    figure("up again on the same store: ready after %.1f s", seconds(begin));
    kafka = new Kafka(up.bootstrap());
    // The service read the compacted model-published topic kept by the broker.
    assertEquals(new Answer(200, "2"), segment("lungs"));
    // The broker kept the workers' committed offsets, so nothing is read again from the start.
    Map<Integer, Long> committed = kafka.committed("medlora-trainers", Topics.TRAINING_REQUESTS);
    assertTrue(!committed.isEmpty() && committed.values().stream().allMatch(offset -> offset > 0),
        "committed offsets kept: " + committed);
    // A known request id is answered from the store, not trained again.
    kafka.send(Topics.TRAINING_REQUESTS, "e2e-1", request("e2e-1", "lungs", 2));
    assertEquals(List.of("completed"), types(kafka.untilTerminal("e2e-1")));
    assertEquals(List.of("1", "2"), versions("lungs"));
  }

  @Test
  @Order(9)
  void sweepTrainsEachMethodThroughKafkaAndReportsThem() throws Exception {
    Path base = Files.writeString(dir.resolve("sweep.json"), request("e2e-sweep", "lungs-sweep", 2)
        .replace("\"method\": {\"kind\": \"linear\"}", "\"method\": {\"kind\": \"lora\", \"lora-alpha\": 4}"));
    String[] sweep = {"sweep", "--request", base.toString(), "--methods", "linear,lora:2", "--store", files.store.toString(),
        "--out", dir.resolve("report").toString(), "--bootstrap", up.bootstrap(),
        "--dataset-root", files.datasets.toString(), "--checkpoint-root", files.checkpoints.toString(),
        "--examples", "2"};
    long begin = System.nanoTime();
    Cli.Result done = Cli.run(sweep);
    figure("sweep: linear and LoRA r=2 through Kafka, then the report, in %.1f s", seconds(begin));
    assertEquals(0, done.exitCode(), done.output());
    assertTrue(done.output().contains("lora:2: training e2e-sweep-lora-r2\n"), done.output());
    assertTrue(done.output().contains("completed: published lungs-sweep version 2"), done.output());
    assertEquals(List.of("1", "2"), versions("lungs-sweep"));
    List<String> table = Files.readAllLines(dir.resolve("report/table-lungs-sweep.csv"));
    assertEquals(List.of("linear", "LoRA r=2"), table.subList(1, table.size()).stream().map(l -> l.split(",")[0]).toList());
    for (String figure : List.of("fig1-lungs-sweep-dice.png", "fig2-lungs-sweep-rank.png", "fig3-lungs-sweep.png")) {
      assertTrue(Files.size(dir.resolve("report").resolve(figure)) > 0, figure);
    }

    Cli.Result again = Cli.run(sweep);
    assertEquals(0, again.exitCode(), again.output());
    assertTrue(again.output().contains("linear: e2e-sweep-linear is already version 1 of lungs-sweep; not trained again"),
        again.output());
    assertEquals(List.of("1", "2"), versions("lungs-sweep"));
  }

  private static String output(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }


  private static JobEvent last(List<JobEvent> events) {
    return events.get(events.size() - 1);
  }

  /** The announcement of {@code task} version {@code version} on model-published. */
  private static ConsumerRecord<String, String> announcement(String task, int version) {
    return kafka.announcement(task, version);
  }

  static List<String> versions(String task) throws IOException {
    return files.versions(task);
  }

  static Answer segment(String task) throws IOException, InterruptedException {
    return files.segment(up.port, task);
  }
}
