package org.medlora.stacktests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;
import org.medlora.contracts.Topics;

/**
 * Plain Kafka clients on the stack's topics, as a hospital's systems would use them. Job events
 * are read from where the topic ended when this was opened and buffered by request id.
 */
final class Kafka implements AutoCloseable {

  static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);

  private final String bootstrap;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> events;
  private final Map<String, List<JobEvent>> byRequest = new HashMap<>();

  Kafka(String bootstrap) {
    this.bootstrap = bootstrap;
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer());
    events = consumer();
    List<TopicPartition> partitions = partitions(events, Topics.TRAINING_EVENTS);
    events.assign(partitions);
    events.seekToEnd(partitions);
    partitions.forEach(events::position);
  }

  /** Sends and returns where the record landed. */
  RecordMetadata send(String topic, String key, String value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** Sends to one partition, e.g. one that a given worker reads. */
  RecordMetadata send(String topic, int partition, String key, String value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
  }

  /** Every terminal event of {@code requestId} on the topic, from its beginning. */
  List<JobEvent> terminalEvents(String requestId) {
    return all(Topics.TRAINING_EVENTS).stream()
        .filter(r -> r.key().equals(requestId))
        .map(r -> MessageCodec.fromJson(r.value(), JobEvent.class))
        .filter(JobEvent::terminal)
        .toList();
  }

  /** The announcement of {@code task} version {@code version} on model-published. */
  ConsumerRecord<String, String> announcement(String task, int version) {
    return all(Topics.MODEL_PUBLISHED).stream()
        .filter(r -> {
          ModelPublished p = MessageCodec.fromJson(r.value(), ModelPublished.class);
          return p.task().equals(task) && p.version() == version;
        })
        .findFirst().orElseThrow(() -> new AssertionError("no announcement of " + task + " v" + version));
  }

  /** This request's events from the opening of this client up to its terminal one. */
  List<JobEvent> untilTerminal(String requestId) {
    return untilTerminal(requestId, 0);
  }

  /** This request's events after the first {@code from} up to the next terminal one. */
  List<JobEvent> untilTerminal(String requestId, int from) {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (true) {
      List<JobEvent> all = seen(requestId);
      List<JobEvent> seen = all.subList(Math.min(from, all.size()), all.size());
      for (int i = 0; i < seen.size(); i++) {
        JobEvent e = seen.get(i);
        if (e.terminal()) {
          return seen.subList(0, i + 1);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no terminal event for " + requestId + " within " + JOB_TIMEOUT + "; saw " + seen);
      }
      poll();
    }
  }

  /** Reads what arrived; returns this request's events so far. */
  List<JobEvent> seen(String requestId) {
    return List.copyOf(byRequest.getOrDefault(requestId, List.of()));
  }

  void poll() {
    for (ConsumerRecord<String, String> r : events.poll(Duration.ofMillis(200))) {
      byRequest.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(MessageCodec.fromJson(r.value(), JobEvent.class));
    }
  }

  /** Every record of {@code topic} from its beginning up to its end now. */
  List<ConsumerRecord<String, String>> all(String topic) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** The partitions of {@code topic} that each member of {@code group} reads, by its instance id (or client id). */
  Map<String, List<Integer>> assignments(String group) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<String, List<Integer>> out = new TreeMap<>();
      for (MemberDescription m : admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()) {
        out.put(m.groupInstanceId().orElse(m.clientId()),
            m.assignment().topicPartitions().stream().map(TopicPartition::partition).sorted().toList());
      }
      return out;
    }
  }

  /**
   * {@code group}'s committed offsets on {@code topic}'s partitions that hold records, by
   * partition; a partition without a commit maps to -1. Read without joining the group.
   */
  Map<Integer, Long> committed(String group, String topic) {
    Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = partitions(c, topic);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      var commits = c.committed(new HashSet<>(partitions));
      Map<Integer, Long> out = new TreeMap<>();
      for (TopicPartition p : partitions) {
        if (end.get(p) > 0) {
          out.put(p.partition(), commits.get(p) == null ? -1 : commits.get(p).offset());
        }
      }
      return out;
    }
  }

  /** A consumer without a group: reads assigned partitions, commits nothing. */
  private KafkaConsumer<String, String> consumer() {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String topic) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      if (!partitions.isEmpty()) {
        return partitions;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("topic " + topic + " did not appear");
  }

  @Override
  public void close() {
    producer.close();
    events.close();
  }
}
