package org.medlora.worker;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;

/**
 * Sends job events (keyed by request id, so one job's events stay in order) and model
 * announcements (keyed by task, on a compacted topic, so the newest version per task is kept).
 * Each send waits for the broker's acknowledgement: a terminal event must be durable before the
 * request is acknowledged.
 */
@ApplicationScoped
public class JobEvents {

  @Inject
  @Channel("training-events")
  Emitter<String> events;

  @Inject
  @Channel("model-published")
  Emitter<String> published;

  public void send(JobEvent event) {
    sendKeyed(events, event.requestId(), MessageCodec.toJson(event));
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
