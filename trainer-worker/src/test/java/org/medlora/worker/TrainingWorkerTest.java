package org.medlora.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medlora.contracts.CancelRequest;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;
import org.medlora.contracts.Topics;
import org.medlora.contracts.TrainingRequest;
import org.medlora.store.ModelStore;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.testing.ReferenceFixture;
import org.medlora.testing.SyntheticTasks;
import org.medlora.testsupport.KafkaBrokerResource;

/**
 * The worker against a real KRaft broker: requests in, events and model announcements out, with
 * plain Kafka clients on the other side. Requests name their data set and checkpoint relative to
 * the worker's roots (see the %test settings), as a deployment's requests do.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingWorkerTest {

  private static final String CHECKPOINT = "dinov2-fixture-a.safetensors";

  static Path store;
  static Path datasets;
  static Path checkpoints;
  /** A lung data set outside the data set root, beside it. */
  static Path outside;
  /** The lung data set's location relative to the data set root. */
  static String lungs;

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  private WorkerClients clients;

  @BeforeAll
  static void data() throws Exception {
    Config config = ConfigProvider.getConfig();
    store = config.getValue("medlora.store.path", Path.class).toAbsolutePath();
    datasets = config.getValue("medlora.worker.dataset-root", Path.class).toAbsolutePath();
    checkpoints = config.getValue("medlora.worker.checkpoint-root", Path.class).toAbsolutePath();
    outside = datasets.resolveSibling("outside");
    for (Path dir : List.of(store, datasets, checkpoints, outside)) {
      deleteRecursively(dir); // the store starts empty, so request ids are new
      Files.createDirectories(dir);
    }
    Path written = SyntheticTasks.write(SyntheticDatasets.Kind.LUNG_XRAY, 24, 5, datasets);
    lungs = datasets.relativize(written).toString();
    SyntheticTasks.write(SyntheticDatasets.Kind.LUNG_XRAY, 24, 5, outside);
    Files.copy(ReferenceFixture.file("weights_meta.safetensors"), checkpoints.resolve(CHECKPOINT));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) { // links are deleted, never followed
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @BeforeEach
  void clients() {
    clients = new WorkerClients(kafka);
  }

  @AfterEach
  void close() {
    clients.close();
  }

  private static String request(String id, String task, String extra) {
    return request(id, task, lungs, CHECKPOINT, extra);
  }

  private static String request(String id, String task, String dataset, String checkpoint, String extra) {
    return "{\"request-id\": \"" + id + "\", \"task\": \"" + task + "\", \"kind\": \"segmentation\","
        + " \"dataset\": {\"location\": \"" + dataset + "\", \"layout\": \"image-mask-folders\"},"
        + " \"checkpoint\": \"" + checkpoint + "\","
        + " \"image-size\": " + SyntheticTasks.IMAGE_SIZE + ", \"batch-size\": 8, " + extra + "}";
  }

  private static List<String> types(List<JobEvent> events) {
    return events.stream().map(JobEvent::type).toList();
  }

  private static JobEvent last(List<JobEvent> events) {
    return events.get(events.size() - 1);
  }

  /**
   * Accepted, progress for rising epochs, completed. Progress is coalesced while one event is on
   * its way (README, "Delivery"): the first epoch's is always sent, a later one may be dropped.
   */
  private static void assertStory(List<JobEvent> events, int epochs) {
    String story = types(events).toString();
    assertInstanceOf(JobEvent.Accepted.class, events.get(0), story);
    assertInstanceOf(JobEvent.Completed.class, last(events), story);
    List<Integer> progress = events.subList(1, events.size() - 1).stream()
        .map(e -> assertInstanceOf(JobEvent.Progress.class, e, story).epoch()).toList();
    assertFalse(progress.isEmpty(), story);
    assertEquals(1, progress.get(0), story);
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) > progress.get(i - 1) && progress.get(i) <= epochs, "epochs " + progress);
    }
  }

  @Test
  @Order(1)
  void aRequestIsTrainedPublishedAndAnnounced() throws Exception {
    clients.send(Topics.TRAINING_REQUESTS, "it-lungs-1", request("it-lungs-1", "it-lungs",
        "\"method\": {\"kind\": \"linear\"}, \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": 3"));
    List<JobEvent> seen = clients.untilTerminal("it-lungs-1");
    assertStory(seen, 3);
    JobEvent.Completed done = (JobEvent.Completed) last(seen);
    assertEquals("it-lungs/1", done.modelPath());
    // No GPU here: the worker falls back to the CPU and says so, in the event and the manifest.
    assertEquals("cpu", ((JobEvent.Accepted) seen.get(0)).device());
    assertEquals("cpu", done.manifest().software().get("device"));
    assertEquals(MessageCodec.fromJson(request("it-lungs-1", "it-lungs",
            "\"method\": {\"kind\": \"linear\"}, \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": 3"),
            TrainingRequest.class), done.manifest().training(),
        "the manifest keeps the request as sent: relative paths, the worker's roots unnamed");

    // Keyed by task (a worker also announces again at start-up what an earlier run left in its store).
    ConsumerRecord<String, String> announcement = clients.first(Topics.MODEL_PUBLISHED, "it-lungs", Duration.ofSeconds(30));
    ModelPublished published = MessageCodec.fromJson(announcement.value(), ModelPublished.class);
    assertEquals(done.manifest().modelSha256(), published.modelSha256());
    assertEquals(List.of(1), new ModelStore(store).versions("it-lungs"));
    try (Admin admin = clients.admin()) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODEL_PUBLISHED);
      String policy = admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy").value();
      assertEquals("compact", policy, "the newest announcement per task survives");
    }
  }

  @Test
  @Order(2)
  void loraAndFullFineTuningRunToPublishedModelsThroughKafka() throws Exception {
    clients.send(Topics.TRAINING_REQUESTS, "it-lora", request("it-lora", "it-lora",
        "\"method\": {\"kind\": \"lora\", \"lora-rank\": 2, \"lora-alpha\": 4}, \"epochs\": 1"));
    // Absolute paths are fine too, as long as they lie inside the roots.
    clients.send(Topics.TRAINING_REQUESTS, "it-full", request("it-full", "it-full",
        datasets.resolve(lungs).toString(), checkpoints.resolve(CHECKPOINT).toString(),
        "\"method\": {\"kind\": \"full\"}, \"epochs\": 1"));
    for (String id : List.of("it-lora", "it-full")) {
      List<JobEvent> seen = clients.untilTerminal(id);
      assertStory(seen, 1);
      JobEvent.Completed done = (JobEvent.Completed) last(seen);
      assertEquals(id.substring(3), done.manifest().method().kind().jsonName());
    }
  }

  @Test
  @Order(3)
  void aRequestIdThatAlreadyCompletedIsNotTrainedTwice() throws Exception {
    RecordMetadata again = clients.send(Topics.TRAINING_REQUESTS, "it-lungs-1", request("it-lungs-1", "it-lungs",
        "\"method\": {\"kind\": \"linear\"}, \"epochs\": 3"));
    // One request at a time per partition: once the request behind it has ended, the repeated one
    // has had all the time it takes to train and announce.
    clients.send(Topics.TRAINING_REQUESTS, again.partition(), "it-behind", request("it-behind", "it-behind",
        "\"epochs\": -3"));
    assertEquals(List.of("failed"), types(clients.untilTerminal("it-behind")));
    List<JobEvent> repeated = clients.seen("it-lungs-1");
    assertEquals(List.of("completed"), types(repeated), "the stored model's completed event, nothing trained");
    assertEquals("it-lungs-1", ((JobEvent.Completed) repeated.get(0)).manifest().training().requestId(),
        "found by the typed request");
    assertEquals(List.of(1), new ModelStore(store).versions("it-lungs"));
  }

  @Test
  @Order(4)
  void aMessageThatIsNotARequestGoesToTheDeadLetterTopicAndTheWorkerGoesOn() throws Exception {
    clients.send(Topics.TRAINING_REQUESTS, "garbage", "this is not JSON");
    ConsumerRecord<String, String> dead = clients.first(Topics.TRAINING_REQUESTS_DLQ, "garbage", Duration.ofSeconds(60));
    assertEquals("this is not JSON", dead.value(), "kept as received");
    assertNotNull(dead.headers().lastHeader("dead-letter-reason"), "with the reason in a header");
    byte[] notUtf8 = {'{', (byte) 0xC3, '(', (byte) 0xFF, '}'};
    clients.sendBytes(Topics.TRAINING_REQUESTS, "not-utf8", notUtf8);
    assertArrayEquals(notUtf8, clients.firstBytes(Topics.TRAINING_REQUESTS_DLQ, "not-utf8", Duration.ofSeconds(60)),
        "bytes that are not UTF-8 kept byte for byte");

    // The worker is still there: a valid request naming what is not there fails with a reason.
    clients.send(Topics.TRAINING_REQUESTS, "it-missing", request("it-missing", "it-missing", "no-such-data",
        CHECKPOINT, "\"method\": {\"kind\": \"linear\"}, \"epochs\": 1"));
    JobEvent.Failed failed = assertInstanceOf(JobEvent.Failed.class, last(clients.untilTerminal("it-missing")));
    assertTrue(failed.reason().contains("'dataset.location' no-such-data does not exist"), failed.reason());
    assertFalse(failed.hint().isBlank(), "a hint says what to do");

    clients.send(Topics.TRAINING_REQUESTS, "it-no-ckpt", request("it-no-ckpt", "it-no-ckpt", lungs,
        "dinov2/none.safetensors", "\"method\": {\"kind\": \"linear\"}, \"epochs\": 1"));
    JobEvent.Failed noCheckpoint = assertInstanceOf(JobEvent.Failed.class, last(clients.untilTerminal("it-no-ckpt")));
    assertTrue(noCheckpoint.reason().contains("'checkpoint' dinov2/none.safetensors does not exist"),
        noCheckpoint.reason());
  }

  @Test
  @Order(5)
  void aBadFieldValueIsAFailedEventNamingTheField() throws Exception {
    clients.send(Topics.TRAINING_REQUESTS, "it-bad", request("it-bad", "it-bad", "\"epochs\": -3"));
    List<JobEvent> seen = clients.untilTerminal("it-bad");
    assertEquals(List.of("failed"), types(seen));
    assertTrue(((JobEvent.Failed) seen.get(0)).reason().contains("epochs"), seen.toString());
  }

  @Test
  @Order(6)
  void pathsOutsideTheRootsAreRefusedWithOneMessageWhetherTheyExistOrNot() throws Exception {
    Path outsideLungs = outside.resolve(lungs);
    Files.createSymbolicLink(datasets.resolve("linked-lungs"), outsideLungs);
    Path fixture = ReferenceFixture.file("weights_meta.safetensors").toAbsolutePath();
    Files.createSymbolicLink(checkpoints.resolve("linked.safetensors"), fixture);

    // Each names a data set or checkpoint that exists and would train, or one that does not.
    Map<String, String> outsideDatasets = new LinkedHashMap<>();
    outsideDatasets.put("it-up", "../outside/" + lungs);
    outsideDatasets.put("it-up-none", "../outside/no-such-data");
    outsideDatasets.put("it-link", "linked-lungs");
    outsideDatasets.put("it-absolute", outsideLungs.toString());
    outsideDatasets.put("it-absolute-none", outsideLungs.resolveSibling("no-such-data").toString());
    Map<String, String> outsideCheckpoints = new LinkedHashMap<>();
    outsideCheckpoints.put("it-ckpt-absolute", fixture.toString());
    outsideCheckpoints.put("it-ckpt-up-none", "../none.safetensors");
    outsideCheckpoints.put("it-ckpt-link", "linked.safetensors");
    String linear = "\"method\": {\"kind\": \"linear\"}, \"epochs\": 1";
    outsideDatasets.forEach((id, location) -> send(id, request(id, id, location, CHECKPOINT, linear)));
    outsideCheckpoints.forEach((id, location) -> send(id, request(id, id, lungs, location, linear)));

    assertRefusedAlike(outsideDatasets, "dataset.location");
    assertRefusedAlike(outsideCheckpoints, "checkpoint");
  }

  private void send(String id, String request) {
    try {
      clients.send(Topics.TRAINING_REQUESTS, id, request);
    } catch (Exception e) {
      throw new AssertionError("could not send " + id, e);
    }
  }

  /** Each request failed at once with the same reason, naming the field and nothing of the path. */
  private void assertRefusedAlike(Map<String, String> locations, String field) throws IOException {
    JobEvent.Failed first = null;
    for (Map.Entry<String, String> e : locations.entrySet()) {
      List<JobEvent> seen = clients.untilTerminal(e.getKey());
      assertEquals(List.of("failed"), types(seen), e.getKey() + " (" + e.getValue() + ") was not refused");
      JobEvent.Failed failed = (JobEvent.Failed) seen.get(0);
      assertTrue(failed.reason().contains("'" + field + "'"), failed.reason());
      assertFalse(failed.reason().contains("outside") || failed.reason().contains("lung")
          || failed.reason().contains("safetensors"), "names nothing of the path: " + failed.reason());
      if (first == null) {
        first = failed;
      }
      assertEquals(first.reason() + " / " + first.hint(), failed.reason() + " / " + failed.hint(),
          e.getKey() + " is told apart from " + locations.keySet().iterator().next());
      assertFalse(new ModelStore(store).tasks().contains(e.getKey()), "nothing published");
    }
  }

  @Test
  @Order(7)
  void aRunningJobIsCancelledAndItsRequestIsAcknowledgedOnlyAfterwards() throws Exception {
    RecordMetadata sent = clients.send(Topics.TRAINING_REQUESTS, "it-long", request("it-long", "it-long",
        "\"method\": {\"kind\": \"lora\"}, \"epochs\": 500"));
    clients.until("it-long", e -> e instanceof JobEvent.Accepted);
    TopicPartition partition = new TopicPartition(Topics.TRAINING_REQUESTS, sent.partition());
    // Nothing commits on a timer: the offset stays behind the running request.
    await("not acknowledged while it runs").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(250)).until(() -> committed(partition) <= sent.offset());
    assertTrue(types(clients.seen("it-long")).stream().noneMatch(t -> t.equals("completed") || t.equals("failed")),
        "still running");

    clients.send(Topics.TRAINING_CANCELLATIONS, "it-long",
        MessageCodec.toJson(new CancelRequest(CancelRequest.SCHEMA_VERSION, "it-long", "test")));
    List<JobEvent> seen = clients.untilTerminal("it-long");
    JobEvent.Cancelled cancelled = assertInstanceOf(JobEvent.Cancelled.class, seen.get(seen.size() - 1));
    assertTrue(cancelled.reason().endsWith(" was cancelled: test"), "with the cancellation's reason: " + cancelled.reason());
    JobEvent.Accepted accepted = (JobEvent.Accepted) seen.get(0);
    assertEquals(accepted.attempt(), cancelled.attempt(), "the terminal event names its attempt");
    await("acknowledged after its terminal event").atMost(Duration.ofSeconds(30))
        .until(() -> committed(partition) > sent.offset());
  }

  @Test
  @Order(8)
  void aRepeatedOlderRequestIsAnsweredWithoutAnnouncingItsVersionOverANewerOne() throws Exception {
    clients.send(Topics.TRAINING_REQUESTS, "it-lungs-newer", request("it-lungs-newer", "it-lungs",
        "\"method\": {\"kind\": \"linear\"}, \"epochs\": 1"));
    int newer = ((JobEvent.Completed) last(clients.untilTerminal("it-lungs-newer"))).manifest().version();
    RecordMetadata again = clients.send(Topics.TRAINING_REQUESTS, "it-lungs-1", request("it-lungs-1", "it-lungs",
        "\"method\": {\"kind\": \"linear\"}, \"epochs\": 3"));
    // Answered once the request behind it on its partition has ended.
    clients.send(Topics.TRAINING_REQUESTS, again.partition(), "it-behind-newer", request("it-behind-newer",
        "it-behind", "\"epochs\": -3"));
    assertEquals(List.of("failed"), types(clients.untilTerminal("it-behind-newer")));
    assertEquals(1, ((JobEvent.Completed) last(clients.seen("it-lungs-1"))).manifest().version());
    // The topic is compacted by task: its last announcement is what a fresh service loads.
    ModelPublished lastWord = MessageCodec.fromJson(clients.last(Topics.MODEL_PUBLISHED, "it-lungs").value(),
        ModelPublished.class);
    assertEquals(newer, lastWord.version(), "the newer version stays the task's last announcement");
  }

  private long committed(TopicPartition partition) throws Exception {
    try (Admin admin = clients.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets("medlora-trainers").partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata o = offsets.get(partition);
      return o == null ? -1 : o.offset();
    }
  }
}
