package org.medlora.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.medlora.backbone.CheckpointFormatException;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.ModelPublished;
import org.medlora.contracts.Topics;
import org.medlora.contracts.TrainingRequest;
import org.medlora.export.ComputeDevice;
import org.medlora.export.ExportParityException;
import org.medlora.store.ModelStore;
import org.medlora.store.RequestAlreadyPublishedException;
import org.medlora.training.TrainingCancelledException;
import org.medlora.training.TrainingDivergedException;
import org.medlora.training.TrainingRun;

/**
 * The worker: one training request at a time, from {@code training-requests}. Every delivery of
 * a request is an attempt, numbered by the store, and ends in one terminal event (completed,
 * failed or cancelled), after which the request is acknowledged (its offset committed), or in
 * none when the request left this worker first: its partition was handed to another worker or
 * the worker is stopping. Then the job stops at its next batch without publishing, and whoever
 * reads the request next trains it or answers it from the store. The store publishes one
 * version per request id ({@link ModelStore#oncePerRequest}), so two attempts racing to publish
 * leave one version, and the loser answers with the winner's. A request whose id already
 * produced a model, of any task, is answered from the store, and its version is announced again
 * in case a crash came between publishing and announcing. A message that is not even a request
 * (not UTF-8 JSON, no request id) goes to the dead-letter topic byte for byte. A request reads
 * only under the configured data set and checkpoint roots ({@link RequestPath}).
 *
 * <p>{@code @Blocking(ordered = true)}: training blocks for minutes to hours and must not run on
 * the event loop, nor two at once in one worker.
 */
@ApplicationScoped
public class TrainingJobs {

  private static final Logger LOG = Logger.getLogger(TrainingJobs.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject JobEvents events;
  @Inject Cancellations cancellations;
  @Inject
  @Identifier(RequestOwnership.NAME)
  RequestOwnership ownership;

  @Inject KafkaClientService kafka;
  @Inject WorkerConfig config;

  /** Held while a request is handled, so that shutdown waits for the running job to stop. */
  private final ReentrantLock working = new ReentrantLock();

  /** How a delivery ended. */
  enum Ending {
    /** With a terminal event on the broker: acknowledge the request. */
    ANSWERED,
    /** Without one, as the request is no longer this worker's: leave it to its next reader. */
    LEFT
  }

  @Incoming(Topics.TRAINING_REQUESTS)
  @Blocking(ordered = true)
  public CompletionStage<Void> onRequest(Message<byte[]> message) {
    IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
    TopicPartition partition = new TopicPartition(record.getTopic(), record.getPartition());
    if (!ownership.owns(partition)) {
      LOG.infof("skipping offset %d of partition %d: the partition is no longer this worker's", record.getOffset(),
          record.getPartition());
      return CompletableFuture.completedFuture(null);
    }
    Identity id;
    String json;
    try {
      json = utf8(message.getPayload());
      id = Identity.of(json);
    } catch (IllegalArgumentException e) {
      LOG.warnf("dead-lettering a message that is not a training request: %s", e.getMessage());
      message.nack(e).toCompletableFuture().join(); // once it is on the dead-letter topic
      acknowledge(partition, record.getOffset(), "the dead-lettered message");
      return CompletableFuture.completedFuture(null);
    }
    working.lock();
    try {
      if (handle(id, json, partition) == Ending.LEFT) {
        return CompletableFuture.completedFuture(null);
      }
    } catch (WorkerStopping e) {
      stop(e.getMessage());
      return CompletableFuture.completedFuture(null);
    } finally {
      working.unlock();
    }
    acknowledge(partition, record.getOffset(), "request " + id.requestId());
    return message.ack();
  }

  /**
   * Shutdown, before the connectors close: the running job no longer owns its request and stops
   * at its next batch, unpublished and quietly; wait for that.
   */
  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    ownership.giveUpAll();
    if (working.isLocked()) {
      LOG.info("stopping: the running job stops at its next batch, unpublished; its request will be delivered again");
    }
    if (working.tryLock(30, TimeUnit.SECONDS)) {
      working.unlock();
    }
  }

  /** Runs one attempt at a request to its terminal event, or until the request leaves this worker. */
  Ending handle(Identity id, String json, TopicPartition partition) throws WorkerStopping {
    ModelStore store = ModelStore.oncePerRequest(config.store().path());
    int attempt;
    try {
      attempt = store.nextAttempt(id.requestId());
    } catch (IOException e) {
      throw new WorkerStopping("the model store at " + store.root() + " cannot be written (" + e.getMessage()
          + "): make it writable (MEDLORA_STORE); the worker exits so that requests wait instead of failing");
    }
    Attempt at = new Attempt(id, attempt, store);
    TrainingRequest request;
    try {
      request = MessageCodec.fromJson(json, TrainingRequest.class);
    } catch (IllegalArgumentException e) {
      return at.fail(e.getMessage(), "fix the request (see the training-request JSON Schema) and send it again");
    }
    try {
      Optional<ModelManifest> done = store.publishedFor(request.requestId());
      if (done.isPresent()) {
        LOG.infof("request %s already produced %s version %d; not training it twice", id.requestId(),
            done.get().task(), done.get().version());
        return at.answer(done.get());
      }
      if (cancellations.isCancelled(id.requestId())) {
        return at.cancelled("cancelled before it started: " + cancellations.reason(id.requestId()));
      }
      // The run reads the resolved paths; the manifest keeps the request as sent, roots unnamed.
      Path dataset = RequestPath.DATASET.resolve(config.worker().datasetRoot(), request.dataset().location());
      Path checkpoint = RequestPath.CHECKPOINT.resolve(config.worker().checkpointRoot(), request.checkpoint());
      events.sendLater(new JobEvent.Accepted(id.requestId(), id.task(), Instant.now(), attempt,
          ComputeDevice.label(ComputeDevice.current())));
      TrainingRun.Outcome outcome = new TrainingRun(request, dataset, checkpoint, store, progress(id),
          () -> cancellations.isCancelled(id.requestId()) || !ownership.owns(partition)).run();
      return at.answer(outcome.published().manifest());
    } catch (RequestAlreadyPublishedException e) {
      LOG.infof("request %s: another attempt published first; answering with its version", id.requestId());
      return at.answer(e.published());
    } catch (TrainingCancelledException e) {
      if (!cancellations.isCancelled(id.requestId())) {
        LOG.infof("request %s: attempt %d stopped unpublished, the request is no longer this worker's", id.requestId(),
            attempt);
        return Ending.LEFT;
      }
      return at.cancelled("cancelled: " + cancellations.reason(id.requestId()));
    } catch (RequestPath.RefusedException e) {
      return at.fail(e.getMessage(), e.hint());
    } catch (TrainingDivergedException e) {
      return at.fail(e.reason(), e.hint());
    } catch (NoSuchFileException e) {
      return at.fail("file not found: " + e.getFile(),
          "the data set or checkpoint is incomplete on the worker: check that every file has been copied there");
    } catch (CheckpointFormatException e) {
      return at.fail(e.getMessage(), "point 'checkpoint' at a DINOv2 .safetensors file (Meta or HuggingFace keys)");
    } catch (ExportParityException.Int8Refused e) {
      return at.fail(e.getMessage(), "nothing was published; send the request again with \"export\": {\"precision\": "
          + "\"fp32\"}, or with looser export.bounds if the figures are acceptable for the task");
    } catch (ExportParityException e) {
      return at.fail("the exported model disagrees with the trained one: " + e.getMessage(),
          "nothing was published; report this with the request");
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      return at.fail(e.getMessage(), "check the request's dataset and checkpoint");
    } catch (RuntimeException e) {
      LOG.errorf(e, "request %s failed unexpectedly", id.requestId());
      return at.fail("internal error: " + e, "retry; if it fails again, report it with the worker's log");
    }
  }

  /** Whether {@code store} holds no later version of its task. */
  private static boolean isNewest(ModelStore store, ModelManifest version) {
    try {
      List<Integer> versions = store.versions(version.task());
      return versions.isEmpty() || versions.get(versions.size() - 1) <= version.version();
    } catch (IOException e) {
      return true; // announcing again is the safe default: the announcement may have been lost
    }
  }

    /** One attempt's terminal events; each returns once the broker has the event. */
  private final class Attempt {
    private final Identity id;
    private final int number;
    private final ModelStore store;

    Attempt(Identity id, int number, ModelStore store) {
      this.id = id;
      this.number = number;
      this.store = store;
    }

    /**
     * Completed with {@code version}, announced again (announcing twice is harmless) unless its
     * task has a newer version since: announcements are compacted by task, so the older one
     * would become the task's last word and a service starting afresh would load it.
     */
    Ending answer(ModelManifest version) throws WorkerStopping {
      boolean newest = isNewest(store, version);
      deliver(() -> {
        events.sendTerminal(JobEvent.Completed.of(id.requestId(), number, Instant.now(), version));
        if (newest) {
          events.announce(ModelPublished.of(version, Instant.now(), id.requestId()));
        }
      });
      return Ending.ANSWERED;
    }

    Ending fail(String reason, String hint) throws WorkerStopping {
      deliver(() -> events.sendTerminal(new JobEvent.Failed(id.requestId(), id.task(), Instant.now(),
          reason == null ? "unknown" : reason, hint, number)));
      return Ending.ANSWERED;
    }

    Ending cancelled(String reason) throws WorkerStopping {
      deliver(() -> events.sendTerminal(new JobEvent.Cancelled(id.requestId(), id.task(), Instant.now(),
          "request " + id.requestId() + " was " + reason, number)));
      return Ending.ANSWERED;
    }

    private void deliver(Runnable sends) throws WorkerStopping {
      try {
        sends.run();
      } catch (RuntimeException e) {
        throw new WorkerStopping("request " + id.requestId() + "'s answer could not be sent within "
            + config.worker().deliveryDeadline() + " (" + e.getMessage() + ")");
      }
    }
  }

  /** Commits the offset after {@code offset}: this request is done, here or anywhere. */
  private void acknowledge(TopicPartition partition, long offset, String what) {
    KafkaConsumer<Object, Object> consumer = kafka.getConsumer(Topics.TRAINING_REQUESTS);
    try {
      BrokerRetry.untilDone("acknowledging " + what, config.worker().deliveryDeadline(),
          failure -> ownership.owns(partition),
          () -> consumer.commit(Map.of(partition, new OffsetAndMetadata(offset + 1))).subscribeAsCompletionStage());
    } catch (RuntimeException e) {
      if (ownership.owns(partition)) {
        stop(what + " was answered but could not be acknowledged within " + config.worker().deliveryDeadline()
            + " (" + e.getMessage() + ")");
      } else {
        LOG.infof("%s was answered; its partition moved before the acknowledgement, so its next reader answers it"
            + " again from the store", what);
      }
    }
  }

  /**
   * Ends the worker: it cannot answer (the broker stayed away, the store cannot be written), and
   * reading on would acknowledge the request with later ones. Its requests are delivered again.
   */
  private void stop(String reason) {
    LOG.errorf("%s; the worker exits so that its requests are delivered again", reason);
    Quarkus.asyncExit(1);
  }

  /** The worker cannot go on answering requests; the message says why. */
  static final class WorkerStopping extends Exception {
    private static final long serialVersionUID = 1L;

    WorkerStopping(String message) {
      super(message);
    }
  }

  /** The bytes as UTF-8 text; malformed bytes are refused, not replaced. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8 text");
    }
  }

  private TrainingRun.Listener progress(Identity id) {
    return new TrainingRun.Listener() {
      @Override
      public void progress(String phase, int epoch, int total, Map<String, Double> metrics, double seconds, double eta) {
        events.sendLater(new JobEvent.Progress(id.requestId(), id.task(), Instant.now(), phase, epoch, total, metrics,
            seconds, eta));
      }

      @Override
      public void problem(String message) {
        LOG.infof("request %s: %s", id.requestId(), message);
      }
    };
  }

  /** The two fields every event needs, read leniently so a request can fail with a reason. */
  record Identity(String requestId, String task) {
    static Identity of(String json) {
      JsonNode root;
      try {
        root = JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
      }
      if (root == null || !root.isObject() || !root.path("request-id").isTextual() || !root.path("task").isTextual()) {
        throw new IllegalArgumentException("a training request is a JSON object with string fields "
            + "'request-id' and 'task'");
      }
      // Events need a valid id and task; without them the message can only be dead-lettered.
      return new Identity(TrainingRequest.checkRequestId(root.get("request-id").asText()),
          ModelManifest.checkTask(root.get("task").asText()));
    }
  }
}
