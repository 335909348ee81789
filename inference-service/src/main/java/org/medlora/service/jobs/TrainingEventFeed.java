package org.medlora.service.jobs;

import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.Topics;
import org.medlora.service.config.KafkaConsumerSettings;

/**
 * The training jobs the trainers report on {@code training-events}, when the service follows
 * Kafka: the newest event of every job still running, and every event as it comes.
 *
 * <p>A plain consumer with assigned partitions, like {@code ModelPublishedListener}: every
 * replica must see every event, and nothing is committed. At start it reads back
 * {@link #LOOKBACK}, which restores the jobs running then, since a trainer reports every epoch.
 */
@Startup
@ApplicationScoped
public class TrainingEventFeed {

  private static final Logger LOG = Logger.getLogger(TrainingEventFeed.class);
  /** How far back start-up reads: a job silent for longer is not shown as running. */
  static final Duration LOOKBACK = Duration.ofDays(1);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(5);

  @Inject KafkaConsumerSettings settings;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  Optional<String> bootstrapServers;

  /** Newest event per request id, for the jobs not yet completed, failed or cancelled. */
  private final Map<String, JobEvent> running = new LinkedHashMap<>();
  private final List<MultiEmitter<? super JobEvent>> followers = new ArrayList<>();
  private volatile boolean stopped;
  private volatile KafkaConsumer<String, String> consumer;
  private Thread thread;

  @PostConstruct
  void start() {
    if (following()) {
      thread = new Thread(() -> run(bootstrapServers.get()), "training-events-follower");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** True when the service follows Kafka, so that there are jobs to see. */
  public boolean following() {
    return bootstrapServers.filter(s -> !s.isBlank()).isPresent();
  }

  /** The newest event of each running job, then every event as it arrives, until cancelled. */
  public Multi<JobEvent> events() {
    return Multi.createFrom().emitter(emitter -> {
      // Under the lock, so that no event falls between the snapshot and the live ones.
      synchronized (running) {
        running.values().forEach(emitter::emit);
        followers.add(emitter);
      }
      emitter.onTermination(() -> {
        synchronized (running) {
          followers.remove(emitter);
        }
      });
    });
  }

  void record(JobEvent event) {
    synchronized (running) {
      if (event.terminal()) {
        running.remove(event.requestId());
      } else {
        running.put(event.requestId(), event);
      }
      followers.forEach(f -> f.emit(event));
    }
  }

  private void run(String bootstrapServers) {
    while (!stopped) {
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(
          settings.consumer(bootstrapServers, "medlora-inference-jobs"),
          new StringDeserializer(), new StringDeserializer())) {
        consumer = c;
        follow(c);
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warnf("reading topic %s failed (%s); retrying in %s", Topics.TRAINING_EVENTS, e,
            RETRY);
        sleep(RETRY);
      } finally {
        consumer = null;
      }
    }
  }

  private void follow(KafkaConsumer<String, String> c) {
    List<TopicPartition> partitions = List.of();
    while (!stopped && partitions.isEmpty()) {
      List<PartitionInfo> info = c.partitionsFor(Topics.TRAINING_EVENTS);
      partitions = info == null ? List.of()
          : info.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      if (partitions.isEmpty()) {
        sleep(RETRY); // no trainer has reported yet
      }
    }
    if (stopped) {
      return;
    }
    c.assign(partitions);
    long since = Instant.now().minus(LOOKBACK).toEpochMilli();
    Map<TopicPartition, Long> times = new LinkedHashMap<>();
    partitions.forEach(p -> times.put(p, since));
    for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : c.offsetsForTimes(times).entrySet()) {
      if (e.getValue() == null) {
        c.seekToEnd(List.of(e.getKey())); // nothing that recent
      } else {
        c.seek(e.getKey(), e.getValue().offset());
      }
    }
    while (!stopped) {
      for (ConsumerRecord<String, String> record : c.poll(POLL)) {
        parse(record).ifPresent(this::record);
      }
    }
  }

  private static Optional<JobEvent> parse(ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(MessageCodec.fromJson(record.value(), JobEvent.class));
    } catch (IllegalArgumentException e) {
      // Offsets only: record contents stay out of the logs.
      LOG.warnf("skipping record %s-%d@%d: not a job event: %s", record.topic(),
          record.partition(), record.offset(), e.getMessage());
      return Optional.empty();
    }
  }

  @PreDestroy
  void stop() {
    stopped = true;
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    synchronized (running) {
      followers.forEach(MultiEmitter::complete);
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
