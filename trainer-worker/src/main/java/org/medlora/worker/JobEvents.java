package org.medlora.worker;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;
import org.medlora.contracts.Topics;

/**
 * Sends job events (keyed by request id, so one job's events stay in order) and model
 * announcements (keyed by task, on a compacted topic, so the newest version per task is kept).
 * Terminal events and announcements are durable before their methods return: they are retried
 * while the broker is away, up to {@code medlora.worker.delivery-deadline}, so a request is
 * acknowledged only after its answer is on the broker. The other events never hold training up:
 * they are sent in the background, and progress is coalesced: while one progress event is under
 * way (slow while the broker is away), only the newest one after it waits, the older ones are
 * dropped as it supersedes them. Every job event is logged as one line, so the
 * log tells a job's story even when the broker was away.
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

  @Inject WorkerConfig config;

  private final AtomicBoolean progressUnderWay = new AtomicBoolean();
  /** The newest progress event not sent yet. */
  private final AtomicReference<JobEvent.Progress> nextProgress = new AtomicReference<>();

  /** Sends an accepted event in the background. */
  public void sendLater(JobEvent.Accepted event) {
    LOG.infof("request %s (task %s): %s", event.requestId(), event.task(), describe(event));
    sendInBackground(event);
  }

  /** Sends a progress event in the background, unless a newer one supersedes it first. */
  public void sendLater(JobEvent.Progress event) {
    LOG.infof("request %s (task %s): %s", event.requestId(), event.task(), describe(event));
    nextProgress.set(event);
    if (progressUnderWay.compareAndSet(false, true)) {
      sendNextProgress();
    }
  }

  private void sendNextProgress() {
    CompletableFuture<Void> sending = null;
    synchronized (nextProgress) { // taken and handed to the emitter in one step; see sendTerminal
      JobEvent.Progress next = nextProgress.getAndSet(null);
      if (next != null) {
        sending = sendInBackground(next);
      }
    }
    if (sending != null) {
      sending.whenComplete((ok, failure) -> sendNextProgress());
      return;
    }
    progressUnderWay.set(false);
    if (nextProgress.get() != null && progressUnderWay.compareAndSet(false, true)) {
      sendNextProgress(); // one arrived while this was giving up the turn
    }
  }

  /** Sends without waiting; a failure is logged and otherwise ignored. */
  private CompletableFuture<Void> sendInBackground(JobEvent event) {
    return send(events, event.requestId(), MessageCodec.toJson(event)).exceptionally(failure -> {
      LOG.debugf("request %s: %s event not sent: %s", event.requestId(), event.type(), failure.getMessage());
      return null;
    });
  }

  /**
   * Sends a terminal event and returns once the broker has it; retried up to the deadline. A
   * progress event still waiting is dropped, so none comes after the terminal one.
   */
  public void sendTerminal(JobEvent event) {
    synchronized (nextProgress) { // a progress event being handed over goes first
      nextProgress.set(null);
    }
    String json = MessageCodec.toJson(event);
    BrokerRetry.untilDone("sending request " + event.requestId() + "'s " + event.type() + " event",
        config.worker().deliveryDeadline(), failure -> true, () -> send(events, event.requestId(), json));
    LOG.infof("request %s (task %s): %s", event.requestId(), event.task(), describe(event));
  }

  /** Announces a version and returns once the broker has it; retried up to the deadline. */
  public void announce(ModelPublished announcement) {
    String json = MessageCodec.toJson(announcement);
    BrokerRetry.untilDone("announcing " + announcement.task() + " version " + announcement.version(),
        config.worker().deliveryDeadline(), failure -> true, () -> send(published, announcement.task(), json));
    LOG.infof("announced %s version %d on %s", announcement.task(), announcement.version(), Topics.MODEL_PUBLISHED);
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
      return "completed (attempt " + c.attempt() + "): " + c.modelPath() + " published";
    }
    if (event instanceof JobEvent.Failed f) {
      return "failed (attempt " + f.attempt() + "): " + f.reason();
    }
    JobEvent.Cancelled c = (JobEvent.Cancelled) event;
    return "cancelled (attempt " + c.attempt() + "): " + c.reason();
  }

  /** Completes when the broker acknowledged the record, exceptionally when it could not be sent. */
  private static CompletableFuture<Void> send(Emitter<String> emitter, String key, String json) {
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
    try {
      emitter.send(message);
    } catch (RuntimeException e) { // e.g. the emitter's buffer is full while the broker is away
      sent.completeExceptionally(e);
    }
    return sent;
  }
}
