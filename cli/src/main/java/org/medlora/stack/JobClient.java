package org.medlora.stack;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.medlora.contracts.CancelRequest;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.Topics;

/**
 * A client of the training jobs on Kafka, as {@code bin/medlora submit} and {@code cancel} use
 * it: sends requests keyed by their id and reads their events. Events are read from where
 * {@code training-events} ended when the client was opened, so a request sent afterwards is
 * followed from its first event, and a repeated request id sees only the new answer.
 */
public final class JobClient implements AutoCloseable {

  /** How long to wait for Kafka before saying it cannot be reached. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

  private final String bootstrap;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> events;

  public JobClient(String bootstrap) {
    this.bootstrap = bootstrap;
    Map<String, Object> common = new HashMap<>();
    common.put("bootstrap.servers", bootstrap);
    Map<String, Object> producerConfig = new HashMap<>(common);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
    Map<String, Object> consumerConfig = new HashMap<>(common);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // no group: reads, commits nothing
    consumerConfig.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
    events = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
    try {
      List<TopicPartition> partitions = partitions(events);
      events.assign(partitions);
      events.seekToEnd(partitions);
      partitions.forEach(events::position); // fixes "the end" now, before any request is sent
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      close();
      throw unreachable(e);
    }
  }

  /** The partitions of {@code training-events}, once it exists (asking creates it on a local broker). */
  private List<TopicPartition> partitions(KafkaConsumer<String, String> consumer) {
    long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.TRAINING_EVENTS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      if (!partitions.isEmpty()) {
        return partitions;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw unreachable(null);
  }

  private IllegalStateException unreachable(Exception cause) {
    return new IllegalStateException("cannot reach Kafka at " + bootstrap + " (topic " + Topics.TRAINING_EVENTS
        + " within " + CONNECT_TIMEOUT.toSeconds() + " s); start the stack with bin/medlora up, or pass"
        + " --bootstrap HOST:PORT of a running Kafka", cause);
  }

  /** Sends one record keyed by {@code key} and waits for the broker's acknowledgement. */
  public void send(String topic, String key, String value) throws InterruptedException {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get(CONNECT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
      throw unreachable(e);
    }
  }

  /** Sends a cancellation for {@code requestId}. */
  public void cancel(String requestId, String reason) throws InterruptedException {
    send(Topics.TRAINING_CANCELLATIONS, requestId, MessageCodec.toJson(new CancelRequest(requestId, reason)));
  }

  /**
   * Reads {@code requestId}'s events, handing each to {@code onEvent}, until its terminal one
   * (completed, failed or cancelled), which it returns.
   *
   * @throws IllegalStateException if none arrives within {@code timeout}
   */
  public JobEvent follow(String requestId, Duration timeout, Consumer<JobEvent> onEvent) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : events.poll(Duration.ofMillis(250))) {
        if (!requestId.equals(r.key())) {
          continue;
        }
        JobEvent event = MessageCodec.fromJson(r.value(), JobEvent.class);
        onEvent.accept(event);
        if (event.terminal()) {
          return event;
        }
      }
    }
    throw new IllegalStateException("no terminal event for " + requestId + " within " + timeout.toMinutes()
        + " minutes; check that a worker runs (bin/medlora up; logs under <store>/.medlora/logs), or stop the"
        + " job with bin/medlora cancel " + requestId);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    events.close(Duration.ofSeconds(5));
  }
}
