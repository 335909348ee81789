package org.medlora.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.medlora.contracts.JsonTree.Node;

/**
 * Reads and writes the messages of the training job protocol ({@link TrainingRequest},
 * {@link JobEvent}, {@link ModelPublished}, {@link CancelRequest}) as the JSON values of their
 * Kafka records; see {@link Topics}.
 *
 * <p>Like {@link ManifestCodec}, writing follows the records' Jackson annotations and reading is
 * by hand. Messages are written on one line without a final newline, with every key present
 * (absent values as {@code null}); a {@link JobEvent.Completed} embeds its manifest exactly as
 * {@code manifest.json} holds it. Readers ignore unknown keys, refuse another
 * {@code schema-version}, and refuse bad input only ever with an {@link IllegalArgumentException}
 * whose message names the JSON path of the field, e.g. {@code invalid training request: field
 * 'optimizer.learning-rate' must be finite and > 0, got -1.0}; an unknown name of a closed set
 * lists the accepted ones.
 *
 * <p>A training request or cancel request may be written by hand, so when reading one an absent
 * {@code schema-version} means the current one, and every optional field of a training request
 * that is absent or null takes its default (see {@link TrainingRequest#minimal}).
 */
public final class MessageCodec {

  private static final String REQUEST = "training request";
  private static final String EVENT = "job event";
  private static final String PUBLISHED = "model-published message";
  private static final String CANCEL = "cancel request";

  private MessageCodec() {}

  /** A training request as one line of JSON, every field written. */
  public static String toJson(TrainingRequest r) {
    return write(r);
  }

  /** A job event as one line of JSON, its kind in {@code "type"}. */
  public static String toJson(JobEvent e) {
    return write(e);
  }

  /** A model-published announcement as one line of JSON. */
  public static String toJson(ModelPublished p) {
    return write(p);
  }

  /** A cancel request as one line of JSON. */
  public static String toJson(CancelRequest c) {
    return write(c);
  }

  /**
   * Parses a message.
   *
   * @param type {@code TrainingRequest.class}, {@code JobEvent.class} (or one of its records,
   *     which then must be the event's type), {@code ModelPublished.class} or
   *     {@code CancelRequest.class}
   * @throws IllegalArgumentException if the text is not a JSON object, has another
   *     {@code schema-version}, or a field is missing, of the wrong type or out of range; the
   *     message names the field by its JSON path
   */
  public static <T> T fromJson(String json, Class<T> type) {
    if (type == TrainingRequest.class) {
      return type.cast(read(json, REQUEST, MessageCodec::trainingRequest));
    }
    if (type == ModelPublished.class) {
      return type.cast(read(json, PUBLISHED, MessageCodec::modelPublished));
    }
    if (type == CancelRequest.class) {
      return type.cast(read(json, CANCEL, MessageCodec::cancelRequest));
    }
    if (type != null && JobEvent.class.isAssignableFrom(type)) {
      JobEvent event = read(json, EVENT, MessageCodec::jobEvent);
      if (!type.isInstance(event)) {
        throw new IllegalArgumentException("invalid " + EVENT + ": expected type \""
            + type.getSimpleName().toLowerCase(Locale.ROOT) + "\", got \"" + event.type() + "\"");
      }
      return type.cast(event);
    }
    throw new IllegalArgumentException("MessageCodec reads TrainingRequest, JobEvent, "
        + "ModelPublished and CancelRequest, not " + type);
  }

  /** A request wherever it sits: a message of its own, or a manifest's {@code training}. */
  static TrainingRequest trainingRequest(Node root) {
    int schema = schemaVersion(root, REQUEST, TrainingRequest.SCHEMA_VERSION, true);
    String requestId = root.string("request-id");
    String task = root.string("task");
    ModelKind kind = root.named("kind", ModelKind.class);
    List<String> classNames = root.or("class-names", n -> n.list(Node::string), List.of());
    DatasetSpec dataset = dataset(root.object("dataset"));
    String checkpoint = root.string("checkpoint");
    MethodSpec method = root.or("method", n -> method(n.object()), MethodSpec.DEFAULT);
    OptimizerSpec optimizer =
        root.or("optimizer", n -> optimizer(n.object()), OptimizerSpec.DEFAULT);
    int epochs = root.or("epochs", Node::integer, TrainingRequest.DEFAULT_EPOCHS);
    int batchSize = root.or("batch-size", Node::integer, TrainingRequest.DEFAULT_BATCH_SIZE);
    int imageSize = root.or("image-size", Node::integer, TrainingRequest.DEFAULT_IMAGE_SIZE);
    AugmentationSpec augmentation =
        root.or("augmentation", n -> augmentation(n.object()), AugmentationSpec.DEFAULT);
    boolean classWeighting =
        root.or("class-weighting", Node::bool, TrainingRequest.DEFAULT_CLASS_WEIGHTING);
    boolean diceLoss = root.or("dice-loss", Node::bool, TrainingRequest.DEFAULT_DICE_LOSS);
    Pooling pooling =
        root.or("pooling", n -> n.named(Pooling.class), TrainingRequest.DEFAULT_POOLING);
    DecoderSpec decoder = root.or("decoder", n -> decoder(n.object()), DecoderSpec.DEFAULT);
    ExportOptions export = root.or("export", n -> export(n.object()), ExportOptions.DEFAULT);
    long seed = root.or("seed", Node::longValue, TrainingRequest.DEFAULT_SEED);
    return root.buildNamingFields(
        () ->
            new TrainingRequest(schema, requestId, task, kind, classNames, dataset, checkpoint,
                method, optimizer, epochs, batchSize, imageSize, augmentation, classWeighting,
                diceLoss, pooling, decoder, export, seed));
  }

  private static DatasetSpec dataset(Node d) {
    String location = d.string("location");
    DatasetLayout layout = d.named("layout", DatasetLayout.class);
    double fraction =
        d.or("validation-fraction", Node::number, DatasetSpec.DEFAULT_VALIDATION_FRACTION);
    long splitSeed = d.or("split-seed", Node::longValue, DatasetSpec.DEFAULT_SPLIT_SEED);
    double maxSkipped =
        d.or("max-skipped-fraction", Node::number, DatasetSpec.DEFAULT_MAX_SKIPPED_FRACTION);
    return d.buildNamingFields(
        () -> new DatasetSpec(location, layout, fraction, splitSeed, maxSkipped));
  }

  private static MethodSpec method(Node m) {
    MethodSpec def = MethodSpec.DEFAULT;
    MethodKind kind = m.or("kind", n -> n.named(MethodSpec.KINDS), def.kind());
    int rank = m.or("lora-rank", Node::integer, def.loraRank());
    float alpha = m.or("lora-alpha", Node::floatValue, def.loraAlpha());
    List<LoraTarget> targets =
        m.or("lora-targets", n -> n.list(t -> t.named(LoraTarget.class)), def.loraTargets());
    boolean rsLora = m.or("rs-lora", Node::bool, def.rsLora());
    return m.buildNamingFields(() -> new MethodSpec(kind, rank, alpha, targets, rsLora));
  }

  private static OptimizerSpec optimizer(Node o) {
    OptimizerSpec def = OptimizerSpec.DEFAULT;
    OptimizerKind name = o.or("name", n -> n.named(OptimizerKind.class), def.name());
    double learningRate = o.or("learning-rate", Node::number, def.learningRate());
    double weightDecay = o.or("weight-decay", Node::number, def.weightDecay());
    double momentum = o.or("momentum", Node::number, def.momentum());
    Schedule schedule = o.or("schedule", n -> n.named(Schedule.class), def.schedule());
    int warmupEpochs = o.or("warmup-epochs", Node::integer, def.warmupEpochs());
    double clipGradient = o.or("clip-gradient", Node::number, def.clipGradient());
    return o.buildNamingFields(
        () -> new OptimizerSpec(name, learningRate, weightDecay, momentum, schedule,
            warmupEpochs, clipGradient));
  }

  private static AugmentationSpec augmentation(Node a) {
    AugmentationSpec def = AugmentationSpec.DEFAULT;
    boolean horizontalFlip = a.or("horizontal-flip", Node::bool, def.horizontalFlip());
    boolean verticalFlip = a.or("vertical-flip", Node::bool, def.verticalFlip());
    boolean crop = a.or("random-resized-crop", Node::bool, def.randomResizedCrop());
    double min = a.or("crop-scale-min", Node::number, def.cropScaleMin());
    double max = a.or("crop-scale-max", Node::number, def.cropScaleMax());
    return a.buildNamingFields(
        () -> new AugmentationSpec(horizontalFlip, verticalFlip, crop, min, max));
  }

  private static DecoderSpec decoder(Node d) {
    DecoderSpec def = DecoderSpec.DEFAULT;
    boolean train = d.or("train", Node::bool, def.train());
    int epochs = d.or("epochs", Node::integer, def.epochs());
    double learningRate = d.or("learning-rate", Node::number, def.learningRate());
    return d.buildNamingFields(() -> new DecoderSpec(train, epochs, learningRate));
  }

  private static ExportOptions export(Node e) {
    ExportOptions def = ExportOptions.DEFAULT;
    ExportPrecision precision = e.or("precision", n -> n.named(ExportPrecision.class), def.precision());
    QuantizationBounds bounds = e.or("bounds", n -> bounds(n.object()), def.bounds());
    return e.buildNamingFields(() -> new ExportOptions(precision, bounds));
  }

  static QuantizationBounds bounds(Node b) {
    QuantizationBounds def = QuantizationBounds.DEFAULT;
    double dice = b.or("min-dice-vs-fp32", Node::number, def.minDiceVsFp32());
    double drop = b.or("max-metric-drop", Node::number, def.maxMetricDrop());
    double agreement = b.or("min-top1-agreement", Node::number, def.minTop1Agreement());
    return b.buildNamingFields(() -> new QuantizationBounds(dice, drop, agreement));
  }

  private static JobEvent jobEvent(Node root) {
    int schema = schemaVersion(root, EVENT, JobEvent.SCHEMA_VERSION, false);
    String type = root.string("type");
    if (!JobEvent.TYPES.contains(type)) {
      throw root.error("type", "must be one of " + JobEvent.TYPES + ", got \"" + type + "\"");
    }
    String requestId = root.string("request-id");
    String task = root.string("task");
    Instant timestamp = root.instant("timestamp");
    switch (type) {
      case "accepted": {
        int attempt = root.integer("attempt");
        String device = root.string("device");
        return root.buildNamingFields(
            () -> new JobEvent.Accepted(schema, requestId, task, timestamp, attempt, device));
      }
      case "progress": {
        String phase = root.string("phase");
        int epoch = root.integer("epoch");
        int totalEpochs = root.integer("total-epochs");
        Map<String, Double> metrics = root.map("metrics", Node::number);
        double epochSeconds = root.number("epoch-seconds");
        double etaSeconds = root.number("eta-seconds");
        return root.buildNamingFields(
            () -> new JobEvent.Progress(schema, requestId, task, timestamp, phase, epoch,
                totalEpochs, metrics, epochSeconds, etaSeconds));
      }
      case "completed": {
        ModelManifest manifest = ManifestCodec.fromTree(root.object("manifest"));
        String modelPath = root.string("model-path");
        int attempt = root.integer("attempt");
        return root.buildNamingFields(
            () -> new JobEvent.Completed(schema, requestId, task, timestamp, manifest,
                modelPath, attempt));
      }
      case "failed": {
        String reason = root.string("reason");
        String hint = root.or("hint", Node::string, "");
        int attempt = root.integer("attempt");
        return root.buildNamingFields(
            () -> new JobEvent.Failed(schema, requestId, task, timestamp, reason, hint, attempt));
      }
      default: {
        String reason = root.string("reason");
        int attempt = root.integer("attempt");
        return root.buildNamingFields(
            () -> new JobEvent.Cancelled(schema, requestId, task, timestamp, reason, attempt));
      }
    }
  }

  private static ModelPublished modelPublished(Node root) {
    int schema = schemaVersion(root, PUBLISHED, ModelPublished.SCHEMA_VERSION, false);
    String task = root.string("task");
    int version = root.integer("version");
    String modelPath = root.string("model-path");
    String modelSha256 = root.string("model-sha256");
    ModelKind kind = root.named("kind", ModelKind.class);
    List<String> classNames = root.or("class-names", n -> n.list(Node::string), List.of());
    Instant publishedAt = root.instant("published-at");
    String requestId = root.or("request-id", Node::string, null);
    return root.buildNamingFields(
        () -> new ModelPublished(schema, task, version, modelPath, modelSha256, kind, classNames,
            publishedAt, requestId));
  }

  private static CancelRequest cancelRequest(Node root) {
    int schema = schemaVersion(root, CANCEL, CancelRequest.SCHEMA_VERSION, true);
    String requestId = root.string("request-id");
    String reason = root.string("reason");
    return root.buildNamingFields(() -> new CancelRequest(schema, requestId, reason));
  }

  /** Checked first, so that a newer layout is reported as such rather than as odd fields. */
  private static int schemaVersion(Node root, String subject, int supported, boolean optional) {
    int found =
        optional
            ? root.or("schema-version", Node::integer, supported)
            : root.integer("schema-version");
    if (found != supported) {
      throw new IllegalArgumentException(
          subject + " schema-version " + found + " is not supported: this build reads "
              + "schema-version " + supported + " only; send schema-version " + supported
              + ", or read it with a medlora release that supports " + found);
    }
    return found;
  }

  private static <T> T read(String json, String subject, Function<Node, T> reader) {
    try {
      return reader.apply(JsonTree.parse(json, subject));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // Bad input is refused with IllegalArgumentException only, whatever it trips over.
      throw new IllegalArgumentException("invalid " + subject + ": " + e, e);
    }
  }

  private static String write(Object message) {
    try {
      return JsonTree.MAPPER.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a message always serializes: " + e.getMessage(), e);
    }
  }
}
