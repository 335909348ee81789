package org.medlora.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import org.medlora.synth.SyntheticDatasets;
import org.medlora.store.ModelStore;
import org.medlora.testing.ReferenceFixture;
import org.medlora.testing.SyntheticTasks;
import org.medlora.testsupport.KafkaBrokerResource;

/**
 * The worker against a real KRaft broker: requests in, events and model announcements out,
 * with plain Kafka clients on the other side, as a hospital's systems would use them.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingWorkerTest {

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
  static Path lungs;

  private KafkaProducer<String, String> producer;
  private KafkaConsumer<String, String> events;

  @BeforeAll
  static void data() throws Exception {
    // The worker's store (see %test.medlora.store.path) starts empty, so ids are new.
    Path store = Path.of("target/worker-test-store");
    if (Files.exists(store)) {
      try (var paths = Files.walk(store)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    lungs = SyntheticTasks.write(SyntheticDatasets.Kind.LUNG_XRAY, 24, 5, Files.createTempDirectory("medlora-it"));
  }

  private static String bootstrap() {
    return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
  }

  @BeforeEach
  void clients() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer = new KafkaProducer<>(p);
    events = consumer(Topics.TRAINING_EVENTS);
  }

  @AfterEach
  void close() {
    producer.close();
    events.close();
  }

  private static KafkaConsumer<String, String> consumer(String topic) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c);
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private String request(String id, String task, String extra) {
    return "{\"request-id\": \"" + id + "\", \"task\": \"" + task + "\", \"kind\": \"segmentation\","
        + " \"dataset\": {\"location\": \"" + lungs + "\", \"layout\": \"image-mask-folders\"},"
        + " \"checkpoint\": \"" + ReferenceFixture.file("weights_meta.safetensors") + "\","
        + " \"image-size\": " + SyntheticTasks.IMAGE_SIZE + ", \"batch-size\": 8, " + extra + "}";
  }

  private RecordMetadata send(String topic, String key, String value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** This request's events, up to and including its terminal one. */
  private List<JobEvent> eventsUntilTerminal(String requestId) {
    List<JobEvent> seen = new ArrayList<>();
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : events.poll(Duration.ofMillis(500))) {
        if (requestId.equals(r.key())) {
          JobEvent e = MessageCodec.fromJson(r.value(), JobEvent.class);
          seen.add(e);
          if (e instanceof JobEvent.Completed || e instanceof JobEvent.Failed || e instanceof JobEvent.Cancelled) {
            return seen;
          }
        }
      }
    }
    throw new AssertionError("no terminal event for " + requestId + " within " + JOB_TIMEOUT + "; saw " + seen);
  }

  private static List<String> types(List<JobEvent> events) {
    return events.stream().map(JobEvent::type).toList();
  }

  @Test
  @Order(1)
  void aRequestIsTrainedPublishedAndAnnounced() throws Exception {
    send(Topics.TRAINING_REQUESTS, "it-lungs-1", request("it-lungs-1", "it-lungs",
        "\"method\": {\"kind\": \"linear\"}, \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": 3"));
    List<JobEvent> seen = eventsUntilTerminal("it-lungs-1");
    assertEquals(List.of("accepted", "progress", "progress", "progress", "completed"), types(seen));
    JobEvent.Completed done = (JobEvent.Completed) seen.get(4);
    assertEquals("it-lungs/1", done.modelPath());

    try (KafkaConsumer<String, String> announcements = consumer(Topics.MODEL_PUBLISHED)) {
      ModelPublished published = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (published == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : announcements.poll(Duration.ofMillis(500))) {
          assertEquals("it-lungs", r.key(), "announcements are keyed by task");
          published = MessageCodec.fromJson(r.value(), ModelPublished.class);
        }
      }
      assertTrue(published != null, "a model-published announcement");
      assertEquals(done.manifest().modelSha256(), published.modelSha256());
    }
    ModelStore store = new ModelStore(Path.of("target/worker-test-store"));
    assertEquals(List.of(1), store.versions("it-lungs"));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODEL_PUBLISHED);
      String policy = admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy").value();
      assertEquals("compact", policy, "the newest announcement per task survives");
    }
  }

  @Test
  @Order(2)
  void loraAndFullFineTuningRunToPublishedModelsThroughKafka() throws Exception {
    send(Topics.TRAINING_REQUESTS, "it-lora", request("it-lora", "it-lora",
        "\"method\": {\"kind\": \"lora\", \"lora-rank\": 2, \"lora-alpha\": 4}, \"epochs\": 1"));
    send(Topics.TRAINING_REQUESTS, "it-full", request("it-full", "it-full",
        "\"method\": {\"kind\": \"full\"}, \"epochs\": 1"));
    for (String id : List.of("it-lora", "it-full")) {
      List<JobEvent> seen = eventsUntilTerminal(id);
      assertEquals(List.of("accepted", "progress", "completed"), types(seen), id);
      JobEvent.Completed done = (JobEvent.Completed) seen.get(2);
      assertEquals(id.substring(3), done.manifest().method().kind().jsonName());
    }
  }

  @Test
  @Order(3)
  void aRequestIdThatAlreadyCompletedIsNotTrainedTwice() throws Exception {
    send(Topics.TRAINING_REQUESTS, "it-lungs-1", request("it-lungs-1", "it-lungs",
        "\"method\": {\"kind\": \"linear\"}, \"epochs\": 3"));
    List<JobEvent> seen = eventsUntilTerminal("it-lungs-1");
    // The first run's events come first on the topic; this delivery adds only a completed.
    assertEquals("completed", seen.get(seen.size() - 1).type());
    JobEvent.Completed done = (JobEvent.Completed) seen.get(seen.size() - 1);
    assertEquals("it-lungs-1", done.manifest().training().requestId(), "found by the typed request");
    assertEquals(List.of(1), new ModelStore(Path.of("target/worker-test-store")).versions("it-lungs"));
  }

  @Test
  @Order(4)
  void aMessageThatIsNotARequestGoesToTheDeadLetterTopicAndTheWorkerGoesOn() throws Exception {
    send(Topics.TRAINING_REQUESTS, "garbage", "this is not JSON");
    try (KafkaConsumer<String, String> dlq = consumer(Topics.TRAINING_REQUESTS_DLQ)) {
      ConsumerRecord<String, String> dead = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (dead == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(500))) {
          dead = r;
        }
      }
      assertTrue(dead != null, "the message reached " + Topics.TRAINING_REQUESTS_DLQ);
      assertEquals("this is not JSON", dead.value(), "kept as received");
      assertTrue(dead.headers().lastHeader("dead-letter-reason") != null, "with the reason in a header");
    }
    // The worker is still there: a valid but impossible request fails with a reason.
    send(Topics.TRAINING_REQUESTS, "it-missing", request("it-missing", "it-missing",
        "\"method\": {\"kind\": \"linear\"}, \"epochs\": 1").replace(lungs.toString(), "/nonexistent/data"));
    List<JobEvent> seen = eventsUntilTerminal("it-missing");
    JobEvent.Failed failed = (JobEvent.Failed) seen.get(seen.size() - 1);
    assertTrue(failed.reason().contains("/nonexistent/data"), failed.reason());
    assertFalse(failed.hint().isBlank(), "a hint says what to do");

    send(Topics.TRAINING_REQUESTS, "it-no-ckpt", request("it-no-ckpt", "it-no-ckpt",
        "\"method\": {\"kind\": \"linear\"}, \"epochs\": 1")
        .replace(ReferenceFixture.file("weights_meta.safetensors").toString(), "/nonexistent/dinov2.safetensors"));
    List<JobEvent> noCheckpoint = eventsUntilTerminal("it-no-ckpt");
    JobEvent last = noCheckpoint.get(noCheckpoint.size() - 1);
    assertTrue(((JobEvent.Failed) last).reason().contains("/nonexistent/dinov2.safetensors"), last.toString());
  }

  @Test
  @Order(5)
  void aBadFieldValueIsAFailedEventNamingTheField() throws Exception {
    send(Topics.TRAINING_REQUESTS, "it-bad", request("it-bad", "it-bad", "\"epochs\": -3"));
    List<JobEvent> seen = eventsUntilTerminal("it-bad");
    assertEquals(List.of("failed"), types(seen));
    assertTrue(((JobEvent.Failed) seen.get(0)).reason().contains("epochs"), seen.toString());
  }

  @Test
  @Order(6)
  void aRunningJobIsCancelledAndItsRequestIsAcknowledgedOnlyAfterwards() throws Exception {
    RecordMetadata sent = send(Topics.TRAINING_REQUESTS, "it-long", request("it-long", "it-long",
        "\"method\": {\"kind\": \"lora\"}, \"epochs\": 500"));
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    boolean accepted = false;
    while (!accepted && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : events.poll(Duration.ofMillis(500))) {
        accepted |= "it-long".equals(r.key()) && r.value().contains("\"accepted\"");
      }
    }
    assertTrue(accepted, "the long job started");
    TopicPartition partition = new TopicPartition(Topics.TRAINING_REQUESTS, sent.partition());
    assertTrue(committed(partition) <= sent.offset(), "not acknowledged while it runs");

    send(Topics.TRAINING_CANCELLATIONS, "it-long",
        MessageCodec.toJson(new CancelRequest(CancelRequest.SCHEMA_VERSION, "it-long", "test")));
    List<JobEvent> seen = eventsUntilTerminal("it-long");
    assertEquals("cancelled", seen.get(seen.size() - 1).type());
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (committed(partition) <= sent.offset() && System.nanoTime() < until) {
      Thread.sleep(200);
    }
    assertTrue(committed(partition) > sent.offset(), "acknowledged after its terminal event");
  }

  private static long committed(TopicPartition partition) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets("medlora-trainers").partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata o = offsets.get(partition);
      return o == null ? -1 : o.offset();
    }
  }
}
