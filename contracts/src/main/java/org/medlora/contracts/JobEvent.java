package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What happened to a training request, published by the trainer on {@link Topics#TRAINING_EVENTS}
 * (key: the request id), so that all events of one request stay in order. A request sees
 * {@link Accepted} (again on each retry), any number of {@link Progress}, then one of
 * {@link Completed}, {@link Failed} or {@link Cancelled}. In JSON the {@code "type"} key tells the
 * records apart: {@link #type()}, written second. Delivery is at least once: every delivery of a
 * request to a worker is an attempt with its own number, and a terminal event may arrive twice
 * for one attempt, so readers deduplicate terminal events by request id and attempt.
 */
@JsonPropertyOrder({"schema-version", "type"})
public sealed interface JobEvent
    permits JobEvent.Accepted,
        JobEvent.Progress,
        JobEvent.Completed,
        JobEvent.Failed,
        JobEvent.Cancelled {

  /** The only layout this build reads and writes. */
  int SCHEMA_VERSION = 1;

  /** The JSON {@code "type"} of each record, in the order a request meets them. */
  List<String> TYPES = List.of("accepted", "progress", "completed", "failed", "cancelled");

  /** Layout of this message; always {@link #SCHEMA_VERSION}. */
  int schemaVersion();

  /** The request this event is about, as {@link TrainingRequest#checkRequestId} allows. */
  String requestId();

  /** The request's task. */
  String task();

  /** When the trainer published the event. */
  Instant timestamp();

  /** This event's JSON {@code "type"}, one of {@link #TYPES}. */
  @JsonProperty("type")
  String type();

  /** True for the events that end an attempt: completed, failed and cancelled. */
  default boolean terminal() {
    return this instanceof Completed || this instanceof Failed || this instanceof Cancelled;
  }

  /**
   * The trainer took the request on.
   *
   * @param attempt 1 the first time, one more on each retry of the same request
   * @param device where it trains: {@code cpu} or {@code gpu:N} (the trainer picks the GPU when it
   *     has one), one of {@link #DEVICE}
   */
  record Accepted(
      @JsonProperty("schema-version") int schemaVersion,
      @JsonProperty("request-id") String requestId,
      String task,
      Instant timestamp,
      int attempt,
      String device)
      implements JobEvent {

    /** The device labels: the CPU, or a GPU by its index. */
    public static final Pattern DEVICE = Pattern.compile("cpu|gpu:[0-9]{1,3}");

    public Accepted {
      checkCommon(schemaVersion, requestId, task, timestamp);
      Checks.atLeast("attempt", attempt, 1);
      if (!DEVICE.matcher(Checks.nonNull("device", device)).matches()) {
        throw Checks.invalid("device", "must be cpu or gpu:N, got " + Checks.quoted(device));
      }
    }

    public Accepted(String requestId, String task, Instant timestamp, int attempt, String device) {
      this(SCHEMA_VERSION, requestId, task, timestamp, attempt, device);
    }

    @Override
    public String type() {
      return "accepted";
    }
  }

  /**
   * One epoch is done.
   *
   * @param phase one of {@link #PHASES}: the backbone and head, or the segmentation decoder
   * @param epoch the epoch just finished, from 1 to {@code totalEpochs}
   * @param totalEpochs epochs of this phase
   * @param metrics e.g. {@code train-loss}, {@code val-dice}; finite, in the trainer's order
   * @param epochSeconds wall-clock time of this epoch, finite and >= 0
   * @param etaSeconds estimated time left for the whole request, finite and >= 0
   */
  record Progress(
      @JsonProperty("schema-version") int schemaVersion,
      @JsonProperty("request-id") String requestId,
      String task,
      Instant timestamp,
      String phase,
      int epoch,
      @JsonProperty("total-epochs") int totalEpochs,
      Map<String, Double> metrics,
      @JsonProperty("epoch-seconds") double epochSeconds,
      @JsonProperty("eta-seconds") double etaSeconds)
      implements JobEvent {

    public static final List<String> PHASES = List.of("train", "decoder");

    public Progress {
      checkCommon(schemaVersion, requestId, task, timestamp);
      Checks.oneOf("phase", phase, PHASES);
      Checks.atLeast("totalEpochs", totalEpochs, 1);
      Checks.between("epoch", epoch, 1, totalEpochs);
      metrics = ManifestDraft.finiteMetrics("metrics", metrics);
      Checks.finiteAtLeast("epochSeconds", epochSeconds, 0);
      Checks.finiteAtLeast("etaSeconds", etaSeconds, 0);
    }

    public Progress(
        String requestId,
        String task,
        Instant timestamp,
        String phase,
        int epoch,
        int totalEpochs,
        Map<String, Double> metrics,
        double epochSeconds,
        double etaSeconds) {
      this(SCHEMA_VERSION, requestId, task, timestamp, phase, epoch, totalEpochs, metrics,
          epochSeconds, etaSeconds);
    }

    @Override
    public String type() {
      return "progress";
    }
  }

  /**
   * The model was trained, exported, verified and published.
   *
   * @param manifest the published version's manifest; its task is this event's task
   * @param modelPath where the version lives relative to the store root, {@code <task>/<version>}
   *     of the manifest
   * @param attempt the attempt this event ends, as its {@link Accepted} numbered it; an attempt
   *     that found the request already done counts too
   */
  record Completed(
      @JsonProperty("schema-version") int schemaVersion,
      @JsonProperty("request-id") String requestId,
      String task,
      Instant timestamp,
      ModelManifest manifest,
      @JsonProperty("model-path") String modelPath,
      int attempt)
      implements JobEvent {

    public Completed {
      checkCommon(schemaVersion, requestId, task, timestamp);
      Checks.atLeast("attempt", attempt, 1);
      Checks.nonNull("manifest", manifest);
      if (!manifest.task().equals(task)) {
        throw Checks.invalid("task",
            "must be the manifest's task \"" + manifest.task() + "\", got \"" + task + "\"");
      }
      String expected = Checks.modelPath(manifest.task(), manifest.version());
      if (!expected.equals(modelPath)) {
        throw Checks.invalid("modelPath", "must be \"" + expected
            + "\" (<task>/<version> of the manifest), got " + Checks.quoted(modelPath));
      }
    }

    public Completed(
        String requestId, String task, Instant timestamp, ModelManifest manifest,
        String modelPath, int attempt) {
      this(SCHEMA_VERSION, requestId, task, timestamp, manifest, modelPath, attempt);
    }

    /** The completion of {@code requestId}'s {@code attempt} by publishing {@code manifest}. */
    public static Completed of(String requestId, int attempt, Instant timestamp, ModelManifest manifest) {
      Checks.nonNull("manifest", manifest);
      return new Completed(requestId, manifest.task(), timestamp, manifest,
          Checks.modelPath(manifest.task(), manifest.version()), attempt);
    }

    @Override
    public String type() {
      return "completed";
    }
  }

  /**
   * The request ended without a model.
   *
   * @param reason what went wrong, non-blank
   * @param hint what to do about it; may be empty when nothing is known to help
   * @param attempt the attempt this event ends
   */
  record Failed(
      @JsonProperty("schema-version") int schemaVersion,
      @JsonProperty("request-id") String requestId,
      String task,
      Instant timestamp,
      String reason,
      String hint,
      int attempt)
      implements JobEvent {

    public Failed {
      checkCommon(schemaVersion, requestId, task, timestamp);
      Checks.nonBlank("reason", reason);
      Checks.nonNull("hint", hint);
      Checks.atLeast("attempt", attempt, 1);
    }

    public Failed(String requestId, String task, Instant timestamp, String reason, String hint, int attempt) {
      this(SCHEMA_VERSION, requestId, task, timestamp, reason, hint, attempt);
    }

    @Override
    public String type() {
      return "failed";
    }
  }

  /**
   * The request was stopped by a {@link CancelRequest}.
   *
   * @param reason why, non-blank; it includes the cancel request's own reason
   * @param attempt the attempt this event ends
   */
  record Cancelled(
      @JsonProperty("schema-version") int schemaVersion,
      @JsonProperty("request-id") String requestId,
      String task,
      Instant timestamp,
      String reason,
      int attempt)
      implements JobEvent {

    public Cancelled {
      checkCommon(schemaVersion, requestId, task, timestamp);
      Checks.nonBlank("reason", reason);
      Checks.atLeast("attempt", attempt, 1);
    }

    public Cancelled(String requestId, String task, Instant timestamp, String reason, int attempt) {
      this(SCHEMA_VERSION, requestId, task, timestamp, reason, attempt);
    }

    @Override
    public String type() {
      return "cancelled";
    }
  }

  private static void checkCommon(
      int schemaVersion, String requestId, String task, Instant timestamp) {
    if (schemaVersion != SCHEMA_VERSION) {
      throw Checks.invalid(
          "schemaVersion", "must be " + SCHEMA_VERSION + ", got " + schemaVersion);
    }
    TrainingRequest.checkRequestId(requestId);
    ModelManifest.checkTask(task);
    Checks.nonNull("timestamp", timestamp);
  }
}
