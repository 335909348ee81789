package org.medlora.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * <p>Like {@link ManifestCodec}, every kebab-case key is mapped here by hand, in a fixed order,
 * and the records know nothing of JSON. Messages are written on one line without a final newline,
 * with every key present (absent values as {@code null}); a {@link JobEvent.Completed} embeds its
 * manifest exactly as {@code manifest.json} holds it. Readers ignore unknown keys, refuse another
 * {@code schema-version}, and refuse bad input only ever with an {@link IllegalArgumentException}
 * whose message names the JSON path of the field, e.g. {@code invalid training request: field
 * 'optimizer.learning-rate' must be finite and > 0, got -1.0}.
 *
 * <p>A training request or cancel request may be written by hand, so when reading one an absent
 * {@code schema-version} means the current one, and every optional field of a training request
 * that is absent or null takes its default (see {@link TrainingRequest#minimal}).
 */
public final class MessageCodec {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String REQUEST = "training request";
  private static final String EVENT = "job event";
  private static final String PUBLISHED = "model-published message";
  private static final String CANCEL = "cancel request";

  private MessageCodec() {}

  /** A training request as one line of JSON, every field written. */
  public static String toJson(TrainingRequest r) {
    ObjectNode root = NODES.objectNode();
    root.put("schema-version", r.schemaVersion());
    root.put("request-id", r.requestId());
    root.put("task", r.task());
    root.put("kind", name(r.kind()));
    strings(root.putArray("class-names"), r.classNames());

    DatasetSpec d = r.dataset();
    ObjectNode dataset = root.putObject("dataset");
    dataset.put("location", d.location());
    dataset.put("layout", d.layout());
    dataset.put("validation-fraction", d.validationFraction());
    dataset.put("split-seed", d.splitSeed());
    dataset.put("max-skipped-fraction", d.maxSkippedFraction());

    root.put("checkpoint", r.checkpoint());

    MethodSpec me = r.method();
    ObjectNode method = root.putObject("method");
    method.put("kind", me.kind());
    method.put("lora-rank", me.loraRank());
    method.put("lora-alpha", me.loraAlpha());
    strings(method.putArray("lora-targets"), me.loraTargets());
    method.put("rs-lora", me.rsLora());

    OptimizerSpec o = r.optimizer();
    ObjectNode optimizer = root.putObject("optimizer");
    optimizer.put("name", o.name());
    optimizer.put("learning-rate", o.learningRate());
    optimizer.put("weight-decay", o.weightDecay());
    optimizer.put("momentum", o.momentum());
    optimizer.put("schedule", o.schedule());
    optimizer.put("warmup-epochs", o.warmupEpochs());

    root.put("epochs", r.epochs());
    root.put("batch-size", r.batchSize());
    root.put("image-size", r.imageSize());

    AugmentationSpec a = r.augmentation();
    ObjectNode augmentation = root.putObject("augmentation");
    augmentation.put("horizontal-flip", a.horizontalFlip());
    augmentation.put("vertical-flip", a.verticalFlip());
    augmentation.put("random-resized-crop", a.randomResizedCrop());
    augmentation.put("crop-scale-min", a.cropScaleMin());
    augmentation.put("crop-scale-max", a.cropScaleMax());

    root.put("class-weighting", r.classWeighting());
    root.put("dice-loss", r.diceLoss());
    root.put("pooling", r.pooling());

    DecoderSpec de = r.decoder();
    ObjectNode decoder = root.putObject("decoder");
    decoder.put("train", de.train());
    decoder.put("epochs", de.epochs());
    decoder.put("learning-rate", de.learningRate());

    root.put("seed", r.seed());
    return write(root);
  }

  /** A job event as one line of JSON, its kind in {@code "type"}. */
  public static String toJson(JobEvent e) {
    ObjectNode root = NODES.objectNode();
    root.put("schema-version", e.schemaVersion());
    root.put("type", e.type());
    root.put("request-id", e.requestId());
    root.put("task", e.task());
    root.put("timestamp", e.timestamp().toString());
    if (e instanceof JobEvent.Accepted a) {
      root.put("attempt", a.attempt());
    } else if (e instanceof JobEvent.Progress p) {
      root.put("phase", p.phase());
      root.put("epoch", p.epoch());
      root.put("total-epochs", p.totalEpochs());
      ObjectNode metrics = root.putObject("metrics");
      p.metrics().forEach(metrics::put);
      root.put("epoch-seconds", p.epochSeconds());
      root.put("eta-seconds", p.etaSeconds());
    } else if (e instanceof JobEvent.Completed c) {
      root.set("manifest", ManifestCodec.toTree(c.manifest()));
      root.put("model-path", c.modelPath());
    } else if (e instanceof JobEvent.Failed f) {
      root.put("reason", f.reason());
      root.put("hint", f.hint());
    } else if (e instanceof JobEvent.Cancelled c) {
      root.put("reason", c.reason());
    } else {
      throw new IllegalStateException("JobEvent is sealed; unknown " + e.getClass());
    }
    return write(root);
  }

  /** A model-published announcement as one line of JSON. */
  public static String toJson(ModelPublished p) {
    ObjectNode root = NODES.objectNode();
    root.put("schema-version", p.schemaVersion());
    root.put("task", p.task());
    root.put("version", p.version());
    root.put("model-path", p.modelPath());
    root.put("model-sha256", p.modelSha256());
    root.put("kind", name(p.kind()));
    strings(root.putArray("class-names"), p.classNames());
    root.put("published-at", p.publishedAt().toString());
    root.put("request-id", p.requestId());
    return write(root);
  }

  /** A cancel request as one line of JSON. */
  public static String toJson(CancelRequest c) {
    ObjectNode root = NODES.objectNode();
    root.put("schema-version", c.schemaVersion());
    root.put("request-id", c.requestId());
    root.put("reason", c.reason());
    return write(root);
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

  private static TrainingRequest trainingRequest(Node root) {
    int schema = schemaVersion(root, REQUEST, TrainingRequest.SCHEMA_VERSION, true);
    String requestId = root.string("request-id");
    String task = root.string("task");
    ModelKind kind = root.kind("kind");
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
    String pooling = root.or("pooling", Node::string, TrainingRequest.DEFAULT_POOLING);
    DecoderSpec decoder = root.or("decoder", n -> decoder(n.object()), DecoderSpec.DEFAULT);
    long seed = root.or("seed", Node::longValue, TrainingRequest.DEFAULT_SEED);
    return root.buildNamingFields(
        () ->
            new TrainingRequest(schema, requestId, task, kind, classNames, dataset, checkpoint,
                method, optimizer, epochs, batchSize, imageSize, augmentation, classWeighting,
                diceLoss, pooling, decoder, seed));
  }

  private static DatasetSpec dataset(Node d) {
    String location = d.string("location");
    String layout = d.string("layout");
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
    String kind = m.or("kind", Node::string, def.kind());
    int rank = m.or("lora-rank", Node::integer, def.loraRank());
    float alpha = m.or("lora-alpha", Node::floatValue, def.loraAlpha());
    List<String> targets = m.or("lora-targets", n -> n.list(Node::string), def.loraTargets());
    boolean rsLora = m.or("rs-lora", Node::bool, def.rsLora());
    return m.buildNamingFields(() -> new MethodSpec(kind, rank, alpha, targets, rsLora));
  }

  private static OptimizerSpec optimizer(Node o) {
    OptimizerSpec def = OptimizerSpec.DEFAULT;
    String name = o.or("name", Node::string, def.name());
    double learningRate = o.or("learning-rate", Node::number, def.learningRate());
    double weightDecay = o.or("weight-decay", Node::number, def.weightDecay());
    double momentum = o.or("momentum", Node::number, def.momentum());
    String schedule = o.or("schedule", Node::string, def.schedule());
    int warmupEpochs = o.or("warmup-epochs", Node::integer, def.warmupEpochs());
    return o.buildNamingFields(
        () -> new OptimizerSpec(name, learningRate, weightDecay, momentum, schedule,
            warmupEpochs));
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
        return root.buildNamingFields(
            () -> new JobEvent.Accepted(schema, requestId, task, timestamp, attempt));
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
        return root.buildNamingFields(
            () -> new JobEvent.Completed(schema, requestId, task, timestamp, manifest,
                modelPath));
      }
      case "failed": {
        String reason = root.string("reason");
        String hint = root.or("hint", Node::string, "");
        return root.buildNamingFields(
            () -> new JobEvent.Failed(schema, requestId, task, timestamp, reason, hint));
      }
      default: {
        String reason = root.string("reason");
        return root.buildNamingFields(
            () -> new JobEvent.Cancelled(schema, requestId, task, timestamp, reason));
      }
    }
  }

  private static ModelPublished modelPublished(Node root) {
    int schema = schemaVersion(root, PUBLISHED, ModelPublished.SCHEMA_VERSION, false);
    String task = root.string("task");
    int version = root.integer("version");
    String modelPath = root.string("model-path");
    String modelSha256 = root.string("model-sha256");
    ModelKind kind = root.kind("kind");
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

  private static String write(ObjectNode root) {
    try {
      return JsonTree.MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing a JSON tree to a string cannot fail", e);
    }
  }

  private static String name(ModelKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
