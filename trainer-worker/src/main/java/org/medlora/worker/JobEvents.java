package org.medlora.worker;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;

/**
 * Sends job events (keyed by request id, so one job's events stay in order) and model
 * announcements (keyed by task, on a compacted topic, so the newest version per task is kept).
 * Each send waits for the broker's acknowledgement: a terminal event must be durable before the
 * request is acknowledged. Every job event is logged as one line, so the log tells a job's story.
 */
@ApplicationScoped
public class JobEvents {

  private static final Logger LOG = Logger.getLogger(JobEvents.class);

  @Inject
  @Channel("training-events")
  Emitter<String> events;

  @Inject
  @Channel("model-published")
  Emitter<String> published;

  public void send(JobEvent event) {
    sendKeyed(events, event.requestId(), MessageCodec.toJson(event));
    LOG.infof("request %s (task %s): %s", event.requestId(), event.task(), describe(event));
  }

  /** The event in a few words: no paths, images or patient data, only what the event holds. */
  static String describe(JobEvent event) {
    if (event instanceof JobEvent.Accepted a) {
      return "accepted (attempt " + a.attempt() + "), training on " + a.device();
    }
    if (event instanceof JobEvent.Progress p) {
      String metrics = p.metrics().entrySet().stream()
          .map(m -> String.format(Locale.ROOT, "%s=%.4g", m.getKey(), m.getValue()))
          .collect(Collectors.joining(" "));
      return String.format(Locale.ROOT, "%s epoch %d/%d in %.1f s, ETA %.0f s, %s", p.phase(), p.epoch(),
          p.totalEpochs(), p.epochSeconds(), p.etaSeconds(), metrics);
    }
    if (event instanceof JobEvent.Completed c) {
      return "completed: " + c.modelPath() + " published";
    }
    if (event instanceof JobEvent.Failed f) {
      return "failed: " + f.reason();
    }
    return "cancelled: " + ((JobEvent.Cancelled) event).reason();
  }

  public void send(ModelPublished announcement) {
    sendKeyed(published, announcement.task(), MessageCodec.toJson(announcement));
  }

  private static void sendKeyed(Emitter<String> emitter, String key, String json) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    Message<String> message =
        Message.of(json)
            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
            .withAck(() -> {
              sent.complete(null);
              return CompletableFuture.completedFuture(null);
            })
            .withNack(e -> {
              sent.completeExceptionally(e);
              return CompletableFuture.completedFuture(null);
            });
    emitter.send(message);
    sent.join();
  }
}
