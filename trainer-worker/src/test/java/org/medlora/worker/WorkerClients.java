package org.medlora.worker;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.Topics;

/**
 * Plain Kafka clients on the worker's topics, as a hospital's systems would use them, with the
 * worker's own {@code kafka.*} settings (security included). Job events are read from the moment
 * these clients were opened, so a test sees only what its own requests caused, and are buffered by
 * request id, so waiting for one request never drops another's events.
 */
final class WorkerClients implements AutoCloseable {

  static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Map<String, Object> kafka;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> events;
  private final Map<String, List<JobEvent>> byRequest = new HashMap<>();

  /** {@code kafka}: the worker's settings, e.g. its {@code default-kafka-broker} configuration. */
  WorkerClients(Map<String, Object> kafka) {
    this.kafka = Map.copyOf(kafka);
    producer = new KafkaProducer<>(only(ProducerConfig.configNames()), new StringSerializer(), new StringSerializer());
    events = consumer();
    List<TopicPartition> partitions = partitions(events, Topics.TRAINING_EVENTS);
    events.assign(partitions);
    events.seekToEnd(partitions);
    partitions.forEach(events::position); // fixes "the end" now, before any request is sent
  }

  /** The worker's settings that {@code names} (a client type's config names) knows. */
  Map<String, Object> only(Set<String> names) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.keySet().retainAll(names);
    return config;
  }

  Admin admin() {
    return Admin.create(only(AdminClientConfig.configNames()));
  }

  RecordMetadata send(String topic, String key, String value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** Sends to one partition, e.g. behind another record whose processing must finish first. */
  RecordMetadata send(String topic, int partition, String key, String value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
  }

  /** Sends a value as raw bytes, e.g. bytes that are not UTF-8. */
  void sendBytes(String topic, String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> bytes = new KafkaProducer<>(only(ProducerConfig.configNames()),
        new StringSerializer(), new ByteArraySerializer())) {
      bytes.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /** This request's events, up to and including its terminal one. */
  List<JobEvent> untilTerminal(String requestId) {
    return until(requestId,
        JobEvent::terminal);
  }

  /** This request's events, up to and including the first that {@code last} accepts. */
  List<JobEvent> until(String requestId, Predicate<JobEvent> last) {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (true) {
      List<JobEvent> seen = seen(requestId);
      for (int i = 0; i < seen.size(); i++) {
        if (last.test(seen.get(i))) {
          return seen.subList(0, i + 1);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such event for " + requestId + " within " + JOB_TIMEOUT + "; saw " + seen);
      }
      for (ConsumerRecord<String, String> r : events.poll(POLL)) {
        JobEvent event = MessageCodec.fromJson(r.value(), JobEvent.class);
        byRequest.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(event);
      }
    }
  }

  /** This request's events read so far. */
  List<JobEvent> seen(String requestId) {
    return List.copyOf(byRequest.getOrDefault(requestId, List.of()));
  }

  /** The first record of {@code topic} with {@code key}, read from its beginning. */
  ConsumerRecord<String, String> first(String topic, String key, Duration timeout) {
    return first(topic, key, new StringDeserializer(), timeout);
  }

  /** The last record of {@code topic} with {@code key} so far: what compaction keeps for it. */
  ConsumerRecord<String, String> last(String topic, String key) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      ConsumerRecord<String, String> last = null;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
          if (key.equals(r.key())) {
            last = r;
          }
        }
      }
      if (last == null) {
        throw new AssertionError("no record with key " + key + " on " + topic);
      }
      return last;
    }
  }

  /** The value of the first record of {@code topic} with {@code key}, as raw bytes. */
  byte[] firstBytes(String topic, String key, Duration timeout) {
    return first(topic, key, new ByteArrayDeserializer(), timeout).value();
  }

  private <V> ConsumerRecord<String, V> first(String topic, String key, Deserializer<V> values, Duration timeout) {
    try (KafkaConsumer<String, V> consumer = consumer(values)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, V> r : consumer.poll(POLL)) {
          if (key.equals(r.key())) {
            return r;
          }
        }
      }
      throw new AssertionError("no record with key " + key + " on " + topic + " within " + timeout);
    }
  }

  /** A consumer without a group: it reads assigned partitions and commits nothing. */
  private KafkaConsumer<String, String> consumer() {
    return consumer(new StringDeserializer());
  }

  private <V> KafkaConsumer<String, V> consumer(Deserializer<V> values) {
    Map<String, Object> config = only(ConsumerConfig.configNames());
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(config, new StringDeserializer(), values);
  }

  /** The topic's partitions, once it exists (asking for them creates it on the test broker). */
  private static List<TopicPartition> partitions(KafkaConsumer<String, ?> consumer, String topic) {
    List<PartitionInfo> info = await().atMost(Duration.ofSeconds(60))
        .pollInSameThread() // a consumer is used by one thread only
        .until(() -> consumer.partitionsFor(topic), p -> p != null && !p.isEmpty());
    return info.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  @Override
  public void close() {
    producer.close();
    events.close();
  }
}
