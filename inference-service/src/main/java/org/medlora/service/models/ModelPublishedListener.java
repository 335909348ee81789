package org.medlora.service.models;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;
import org.medlora.service.config.KafkaConsumerSettings;
import org.medlora.service.config.MedloraConfig;

/**
 * Follows the compacted {@code model-published} topic. At start-up it reads the topic from the
 * beginning up to its end as of then, and loads only the newest version per task; after that
 * every new record is loaded as it comes (hot swap).
 *
 * <p>Values are {@link ModelPublished} announcements, read with the shared {@link MessageCodec}
 * (key: the task). A plain consumer with assigned partitions rather than a consumer group: every replica must
 * read the whole topic at every start, commits nothing, and needs to know when the backlog is
 * read, which a group subscription does not say ({@link KafkaConsumerSettings}).
 */
@ApplicationScoped
public class ModelPublishedListener {

  private static final Logger LOG = Logger.getLogger(ModelPublishedListener.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(5);

  @Inject ModelRegistry registry;
  @Inject MedloraConfig config;

  @Inject KafkaConsumerSettings settings;

  private volatile boolean running;
  private volatile KafkaConsumer<String, String> consumer;
  private Thread thread;

  void start(String bootstrapServers) {
    running = true;
    thread = new Thread(() -> run(bootstrapServers), "model-published-listener");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    running = false;
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run(String bootstrapServers) {
    boolean backlogRead = false;
    while (running) {
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(
          settings.consumer(bootstrapServers, "medlora-inference"),
          new StringDeserializer(), new StringDeserializer())) {
        consumer = c;
        backlogRead = follow(c, backlogRead);
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warnf("reading topic %s failed (%s); retrying in %s", config.kafka().topic(),
            e.toString(), RETRY);
        sleep(RETRY);
      } finally {
        consumer = null;
      }
    }
  }

  /** Reads the backlog (unless already read) and then follows the topic; returns on stop. */
  private boolean follow(KafkaConsumer<String, String> c, boolean backlogRead) {
    String topic = config.kafka().topic();
    long deadline = System.nanoTime() + config.kafka().startupTimeout().toNanos();
    List<TopicPartition> partitions = List.of();
    while (running && partitions.isEmpty()) {
      List<PartitionInfo> info = c.partitionsFor(topic);
      partitions = info == null ? List.of()
          : info.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      if (partitions.isEmpty()) {
        if (!backlogRead) {
          LOG.infof("topic %s does not exist yet: nothing published; waiting for it", topic);
          backlogRead = true;
          registry.markInitialLoadDone();
        }
        sleep(RETRY);
      }
    }
    if (!running) {
      return backlogRead;
    }
    c.assign(partitions);
    c.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = c.endOffsets(partitions);
    // Newest announcement per task in the backlog; only these are loaded.
    Map<String, ModelPublished> newest = new LinkedHashMap<>();
    boolean inBacklog = !backlogRead;
    while (running) {
      for (ConsumerRecord<String, String> record : c.poll(POLL)) {
        ModelPublished message = parse(record);
        if (message == null) {
          continue;
        }
        if (inBacklog) {
          newest.merge(message.task(), message,
              (a, b) -> b.version() >= a.version() ? b : a);
        } else {
          registry.offer(message.task(), message.version(), message.modelSha256());
        }
      }
      if (inBacklog && (caughtUp(c, end) || System.nanoTime() > deadline)) {
        if (!caughtUp(c, end)) {
          LOG.warnf("topic %s: backlog not read within %s; loading what was read and following"
              + " on", topic, config.kafka().startupTimeout());
        }
        inBacklog = false;
        LOG.infof("topic %s: backlog read, %d task(s) announced", topic, newest.size());
        for (ModelPublished m : newest.values()) {
          registry.offer(m.task(), m.version(), m.modelSha256());
        }
        newest.clear();
        registry.markInitialLoadDone();
        backlogRead = true;
      }
    }
    return backlogRead;
  }

  private static boolean caughtUp(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static ModelPublished parse(ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      return null; // a tombstone: compaction removed the task; its loaded version stays
    }
    try {
      return MessageCodec.fromJson(record.value(), ModelPublished.class);
    } catch (IllegalArgumentException e) {
      // Offsets only: record contents stay out of the logs.
      LOG.warnf("skipping record %s-%d@%d: not a model-published message: %s", record.topic(),
          record.partition(), record.offset(), e.getMessage());
      return null;
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
