package org.medlora.service.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;
import org.medlora.contracts.MessageCodec;

/**
 * Follows one topic on a thread of its own for as long as the service runs, with a plain consumer
 * on assigned partitions rather than a consumer group: every replica reads every record and
 * commits nothing ({@code KafkaConsumerSettings}). It waits for the topic to exist, lets its
 * {@link Reader} choose where reading starts, and hands the reader every record that parses as
 * a {@code T} with the shared {@link MessageCodec}. After a failure it starts over on a new
 * consumer, and the reader chooses again.
 *
 * @param <T> the contract record the topic carries
 */
public final class TopicFollower<T> {

  /** What one follower does that another does not: where reading starts, what a message does. */
  public interface Reader<T> {

    /** The topic has no partitions yet; called before each wait for them. */
    default void topicMissing() {}

    /** Positions {@code consumer}, just assigned {@code partitions}, where reading starts. */
    void seek(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions);

    /** The next message, in partition order. */
    void accept(T message);

    /** After every poll, with or without records: e.g. to notice that a backlog is read. */
    default void polled(KafkaConsumer<String, String> consumer) {}
  }

  private static final Logger LOG = Logger.getLogger(TopicFollower.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(5);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final String topic;
  private final Class<T> type;
  private final String description;
  private final Reader<T> reader;
  private volatile boolean running;
  /** Waits to retry are made on this, so that stop() can cut them short. */
  private final Object retryWait = new Object();
  private volatile KafkaConsumer<String, String> consumer;
  private Thread thread;

  /**
   * @param description what a record should be, for the log line that skips one that is not,
   *     e.g. {@code "a job event"}
   */
  public TopicFollower(String topic, Class<T> type, String description, Reader<T> reader) {
    this.topic = topic;
    this.type = type;
    this.description = description;
    this.reader = reader;
  }

  /**
   * Starts following on a daemon thread named {@code threadName}; {@code settings} gives each
   * new consumer its settings (a fresh client id each time).
   */
  public void start(String threadName, Supplier<Map<String, Object>> settings) {
    running = true;
    thread = new Thread(() -> run(settings), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops following and waits a while for the thread to end; nothing happens if not started. */
  public void stop() {
    running = false;
    // Not Thread.interrupt(): the consumer would then fail to close its fetch sessions and log
    // an error; wakeup() ends a blocked Kafka call, this a wait to retry.
    synchronized (retryWait) {
      retryWait.notifyAll();
    }
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(STOP_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run(Supplier<Map<String, Object>> settings) {
    while (running) {
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(settings.get(), new StringDeserializer(), new StringDeserializer())) {
        consumer = c;
        follow(c);
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warnf("reading topic %s failed (%s); retrying in %s", topic, e, RETRY);
        waitToRetry();
      } finally {
        consumer = null;
      }
    }
  }

  /** Waits for the topic's partitions, then reads on from where the reader seeks; returns on stop. */
  private void follow(KafkaConsumer<String, String> c) {
    List<TopicPartition> partitions = List.of();
    while (running && partitions.isEmpty()) {
      List<PartitionInfo> info = c.partitionsFor(topic);
      partitions = info == null ? List.of()
          : info.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      if (partitions.isEmpty()) {
        reader.topicMissing();
        waitToRetry();
      }
    }
    if (!running) {
      return;
    }
    c.assign(partitions);
    reader.seek(c, partitions);
    while (running) {
      for (ConsumerRecord<String, String> record : c.poll(POLL)) {
        T message = parse(record);
        if (message != null) {
          reader.accept(message);
        }
      }
      reader.polled(c);
    }
  }

  /** The record's message, or null for a tombstone or a record that is not one. */
  private T parse(ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      return null; // a tombstone: compaction removed its key; it carries no message
    }
    try {
      return MessageCodec.fromJson(record.value(), type);
    } catch (IllegalArgumentException e) {
      // Offsets only: record contents stay out of the logs.
      LOG.warnf("skipping record %s-%d@%d: not %s: %s", record.topic(), record.partition(), record.offset(),
          description, e.getMessage());
      return null;
    }
  }

  /** Waits {@link #RETRY}, or until stop(); running is read under the lock stop() notifies with. */
  private void waitToRetry() {
    synchronized (retryWait) {
      if (running) {
        try {
          retryWait.wait(RETRY.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
