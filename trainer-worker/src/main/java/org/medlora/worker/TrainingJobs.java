package org.medlora.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.medlora.backbone.CheckpointFormatException;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.ModelPublished;
import org.medlora.contracts.TrainingRequest;
import org.medlora.export.ExportParityException;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;
import org.medlora.training.TrainingCancelledException;
import org.medlora.training.TrainingDivergedException;
import org.medlora.training.TrainingRun;

/**
 * The worker: one training request at a time, from {@code training-requests}. Every request
 * ends in exactly one terminal event (completed, failed or cancelled) and is acknowledged only
 * after it, so a crash mid-job means redelivery, never a lost or stuck job. A request whose id
 * already produced a model is answered from the store instead of being trained twice. A message
 * that is not even a request (not JSON, no request id) goes to the dead-letter topic. A request
 * reads only under the configured data set and checkpoint roots ({@link RequestPath}).
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
  @Inject WorkerConfig config;

  @Incoming("training-requests")
  @Blocking(ordered = true)
  public CompletionStage<Void> onRequest(Message<String> message) {
    Identity id;
    try {
      id = Identity.of(message.getPayload());
    } catch (IllegalArgumentException e) {
      LOG.warnf("dead-lettering a message that is not a training request: %s", e.getMessage());
      return message.nack(e);
    }
    handle(id, message.getPayload());
    return message.ack();
  }

  /** Runs one request to its terminal event. Never throws: every failure becomes an event. */
  void handle(Identity id, String json) {
    TrainingRequest request;
    try {
      request = MessageCodec.fromJson(json, TrainingRequest.class);
    } catch (IllegalArgumentException e) {
      fail(id, e.getMessage(), "fix the request (see the training-request JSON Schema) and send it again");
      return;
    }
    ModelStore store = new ModelStore(config.store().path());
    try {
      Optional<ModelManifest> done = CompletedRequests.find(store, request.task(), request.requestId());
      if (done.isPresent()) {
        LOG.infof("request %s already produced %s version %d; not training it twice", id.requestId(),
            request.task(), done.get().version());
        events.send(JobEvent.Completed.of(id.requestId(), Instant.now(), done.get()));
        return;
      }
      if (cancellations.isCancelled(id.requestId())) {
        events.send(new JobEvent.Cancelled(id.requestId(), id.task(), Instant.now(),
            "cancelled before it started: " + cancellations.reason(id.requestId())));
        return;
      }
      // The run reads the resolved paths; the manifest keeps the request as sent, roots unnamed.
      Path dataset = RequestPath.DATASET.resolve(config.worker().datasetRoot(), request.dataset().location());
      Path checkpoint = RequestPath.CHECKPOINT.resolve(config.worker().checkpointRoot(), request.checkpoint());
      events.send(new JobEvent.Accepted(id.requestId(), id.task(), Instant.now(), 1));
      TrainingRun.Outcome outcome = new TrainingRun(request, dataset, checkpoint, store, progress(id),
          () -> cancellations.isCancelled(id.requestId())).run();
      PublishedModel published = outcome.published();
      events.send(JobEvent.Completed.of(id.requestId(), Instant.now(), published.manifest()));
      events.send(ModelPublished.of(published.manifest(), Instant.now(), id.requestId()));
    } catch (RequestPath.RefusedException e) {
      fail(id, e.getMessage(), e.hint());
    } catch (TrainingCancelledException e) {
      events.send(new JobEvent.Cancelled(id.requestId(), id.task(), Instant.now(),
          e.getMessage() + ": " + cancellations.reason(id.requestId())));
    } catch (TrainingDivergedException e) {
      fail(id, e.reason(), e.hint());
    } catch (NoSuchFileException e) {
      fail(id, "file not found: " + e.getFile(),
          "the data set or checkpoint is incomplete on the worker: check that every file has been copied there");
    } catch (CheckpointFormatException e) {
      fail(id, e.getMessage(), "point 'checkpoint' at a DINOv2 .safetensors file (Meta or HuggingFace keys)");
    } catch (ExportParityException.Int8Refused e) {
      fail(id, e.getMessage(), "nothing was published; send the request again with \"export\": {\"precision\": "
          + "\"fp32\"}, or with looser export.bounds if the figures are acceptable for the task");
    } catch (ExportParityException e) {
      fail(id, "the exported model disagrees with the trained one: " + e.getMessage(),
          "nothing was published; report this with the request");
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      fail(id, e.getMessage(), "check the request's dataset and checkpoint");
    } catch (RuntimeException e) {
      LOG.errorf(e, "request %s failed unexpectedly", id.requestId());
      fail(id, "internal error: " + e, "retry; if it fails again, report it with the worker's log");
    }
  }

  private void fail(Identity id, String reason, String hint) {
    events.send(new JobEvent.Failed(id.requestId(), id.task(), Instant.now(), reason == null ? "unknown" : reason, hint));
  }

  private TrainingRun.Listener progress(Identity id) {
    return new TrainingRun.Listener() {
      @Override
      public void progress(String phase, int epoch, int total, Map<String, Double> metrics, double seconds, double eta) {
        events.send(new JobEvent.Progress(id.requestId(), id.task(), Instant.now(), phase, epoch, total, metrics,
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
