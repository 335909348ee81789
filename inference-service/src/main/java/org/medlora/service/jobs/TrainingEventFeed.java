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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.Topics;
import org.medlora.service.config.KafkaConsumerSettings;
import org.medlora.service.kafka.TopicFollower;

/**
 * The training jobs the trainers report on {@code training-events}, when the service follows
 * Kafka: the newest event of every job still running, and every event as it comes.
 *
 * <p>A plain consumer with assigned partitions ({@link TopicFollower}): every replica must see
 * every event, and nothing is committed. At start it reads back {@link #LOOKBACK}, which
 * restores the jobs running then, since a trainer reports every epoch.
 */
@Startup
@ApplicationScoped
public class TrainingEventFeed {

  /** How far back start-up reads: a job silent for longer is not shown as running. */
  static final Duration LOOKBACK = Duration.ofDays(1);

  @Inject KafkaConsumerSettings settings;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  Optional<String> bootstrapServers;

  /** Newest event per request id, for the jobs not yet completed, failed or cancelled. */
  private final Map<String, JobEvent> running = new LinkedHashMap<>();
  private final List<MultiEmitter<? super JobEvent>> followers = new ArrayList<>();
  private TopicFollower<JobEvent> follower;

  @PostConstruct
  void start() {
    if (following()) {
      // No trainer may have reported yet: the follower waits for the topic.
      follower = new TopicFollower<>(Topics.TRAINING_EVENTS, JobEvent.class, "a job event",
          new TopicFollower.Reader<>() {
            @Override
            public void seek(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
              seekToLookback(consumer, partitions);
            }

            @Override
            public void accept(JobEvent event) {
              record(event);
            }
          });
      follower.start("training-events-follower",
          () -> settings.consumer(bootstrapServers.get(), "medlora-inference-jobs"));
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

  /** From {@link #LOOKBACK} ago, or the end of a partition that has nothing that recent. */
  private static void seekToLookback(KafkaConsumer<String, String> c, List<TopicPartition> partitions) {
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
  }

  @PreDestroy
  void stop() {
    if (follower != null) {
      follower.stop();
    }
    synchronized (running) {
      followers.forEach(MultiEmitter::complete);
    }
  }
}
