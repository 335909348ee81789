package org.medlora.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The smallest request a user may write, as the README shows it. */
  static final String MINIMAL = """
      {"request-id": "req-1", "task": "busi-lesions", "kind": "segmentation",
       "dataset": {"location": "/data/Dataset_BUSI_with_GT", "layout": "busi"},
       "checkpoint": "/models/dinov2-small/model.safetensors"}
      """;

  /** {@link #MINIMAL} as this build writes it: every default spelled out. */
  static String golden() throws IOException {
    try (InputStream in =
        MessageCodecTest.class.getResourceAsStream("/training-request-defaults-v1.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  private static String refusal(String json, Class<?> type) {
    return assertThrows(IllegalArgumentException.class, () -> MessageCodec.fromJson(json, type))
        .getMessage();
  }

  private static ObjectNode tree(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The minimal request changed by {@code edit}, refused; returns the message. */
  private static String requestRefusal(Consumer<ObjectNode> edit) {
    ObjectNode request = tree(MINIMAL);
    edit.accept(request);
    return refusal(request.toString(), TrainingRequest.class);
  }

  private static ObjectNode object(ObjectNode parent, String key) {
    return parent.has(key) ? (ObjectNode) parent.get(key) : parent.putObject(key);
  }

  @Test
  void roundTripGivesEqualMessages() {
    for (TrainingRequest r : Messages.requests()) {
      assertEquals(r, MessageCodec.fromJson(MessageCodec.toJson(r), TrainingRequest.class));
    }
    for (JobEvent e : Messages.events()) {
      assertEquals(e, MessageCodec.fromJson(MessageCodec.toJson(e), JobEvent.class));
    }
    for (ModelPublished p : List.of(Messages.published(), Messages.publishedByCli())) {
      assertEquals(p, MessageCodec.fromJson(MessageCodec.toJson(p), ModelPublished.class));
    }
    CancelRequest c = Messages.cancel();
    assertEquals(c, MessageCodec.fromJson(MessageCodec.toJson(c), CancelRequest.class));
  }

  @Test
  void roundTripKeepsExactNumbersAndMetricOrder() {
    TrainingRequest r = MessageCodec.fromJson(
        MessageCodec.toJson(Messages.classification()), TrainingRequest.class);
    assertEquals(0.1 + 0.2, r.optimizer().learningRate(), 0.0);
    assertEquals(16.5f, r.method().loraAlpha(), 0f);
    assertEquals(Long.MIN_VALUE, r.seed());
    assertEquals(-7L, r.dataset().splitSeed());
    JobEvent.Progress p = (JobEvent.Progress) MessageCodec.fromJson(
        MessageCodec.toJson(Messages.progress()), JobEvent.class);
    assertEquals(List.of("train-loss", "val-dice", "lr"), new ArrayList<>(p.metrics().keySet()));
    assertEquals(0.1 + 0.2, p.metrics().get("train-loss"), 0.0);
    assertEquals(Messages.T0.plusSeconds(60), p.timestamp());
  }

  @Test
  void messagesAreOneLineWithKeysInAFixedOrder() throws IOException {
    List<String> written = new ArrayList<>();
    Messages.requests().forEach(r -> written.add(MessageCodec.toJson(r)));
    Messages.events().forEach(e -> written.add(MessageCodec.toJson(e)));
    written.add(MessageCodec.toJson(Messages.published()));
    written.add(MessageCodec.toJson(Messages.cancel()));
    for (String json : written) {
      assertFalse(json.contains("\n"), json);
    }
    assertEquals(golden(), MessageCodec.toJson(Messages.minimal()));
  }

  @Test
  void aMinimalRequestGetsExactlyTheDocumentedDefaults() throws IOException {
    TrainingRequest r = MessageCodec.fromJson(MINIMAL, TrainingRequest.class);
    assertEquals(Messages.minimal(), r);
    assertEquals(golden(), MessageCodec.toJson(r));
    // Spelled out, so that changing a default fails here as well as in the golden text.
    assertEquals(1, r.schemaVersion());
    assertEquals(List.of(), r.classNames());
    assertEquals(new DatasetSpec("/data/Dataset_BUSI_with_GT", DatasetLayout.BUSI, 0.2, 42, 0.5),
        r.dataset());
    assertEquals(new MethodSpec(MethodKind.LORA, 3, 15f, List.of(LoraTarget.Q, LoraTarget.V),
        false), r.method());
    assertEquals(new OptimizerSpec(OptimizerKind.ADAMW, 1e-3, 0.05, 0.9, Schedule.COSINE, 0),
        r.optimizer());
    assertEquals(List.of(20, 8, 448), List.of(r.epochs(), r.batchSize(), r.imageSize()));
    assertEquals(new AugmentationSpec(true, true, true, 0.5, 1.0), r.augmentation());
    assertEquals(List.of(false, false), List.of(r.classWeighting(), r.diceLoss()));
    assertEquals(Pooling.CLS_AND_MEAN_PATCH, r.pooling());
    assertEquals(new DecoderSpec(false, 20, 1e-4), r.decoder());
    assertEquals(0L, r.seed());
  }

  @Test
  void absentOrNullFieldsOfAPartObjectTakeTheirOwnDefaults() {
    ObjectNode request = tree(MINIMAL);
    request.putObject("optimizer").put("learning-rate", 3e-4).putNull("schedule");
    request.putObject("method").put("kind", "linear");
    request.putObject("augmentation");
    request.putNull("epochs");
    request.put("dice-loss", true);
    TrainingRequest r = MessageCodec.fromJson(request.toString(), TrainingRequest.class);
    assertEquals(new OptimizerSpec(OptimizerKind.ADAMW, 3e-4, 0.05, 0.9, Schedule.COSINE, 0),
        r.optimizer());
    assertEquals(new MethodSpec(MethodKind.LINEAR, 3, 15f, List.of(LoraTarget.Q, LoraTarget.V),
        false), r.method());
    assertEquals(AugmentationSpec.DEFAULT, r.augmentation());
    assertEquals(20, r.epochs());
    assertTrue(r.diceLoss());
  }

  @Test
  void eachRequestRuleIsReportedWithTheFieldsJsonPath() {
    String prefix = "invalid training request: field ";
    assertEquals(prefix + "'request-id' must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' "
            + "and '-' (not \".\" or \"..\"), got \"lungs/1\"",
        requestRefusal(r -> r.put("request-id", "lungs/1")));
    String features = requestRefusal(r -> r.put("kind", "features"));
    assertTrue(features.startsWith(
        prefix + "'kind' must be CLASSIFICATION or SEGMENTATION, got FEATURES"), features);
    assertEquals(prefix + "'decoder.train' must be false for a CLASSIFICATION model: the decoder "
            + "upsamples segmentation logits",
        requestRefusal(r -> {
          r.put("kind", "classification");
          r.putObject("decoder").put("train", true);
        }));
    assertEquals(prefix + "'image-size' must be a multiple of the patch size 14 between 14 and "
        + "1022, got 450", requestRefusal(r -> r.put("image-size", 450)));
    assertEquals(prefix + "'augmentation.crop-scale-min' must not exceed the largest crop scale "
            + "0.5, got 0.9",
        requestRefusal(r -> r.putObject("augmentation").put("crop-scale-min", 0.9)
            .put("crop-scale-max", 0.5)));
    assertEquals(prefix + "'dataset.layout' must be one of [kermany, busi, image-mask-folders], "
        + "got \"imagenet\"", requestRefusal(r -> object(r, "dataset").put("layout", "imagenet")));
    assertEquals(prefix + "'optimizer.name' must be one of [adamw, adam, sgd], got \"lion\"",
        requestRefusal(r -> r.putObject("optimizer").put("name", "lion")));
    assertEquals(prefix + "'optimizer.learning-rate' must be finite and > 0, got -1.0",
        requestRefusal(r -> r.putObject("optimizer").put("learning-rate", -1)));
    assertEquals(prefix + "'optimizer.clip-gradient' must be finite and >= 0.0, got -1.0",
        requestRefusal(r -> r.putObject("optimizer").put("clip-gradient", -1)));
    assertEquals(prefix + "'method.lora-targets[1]' must be one of [q, k, v, proj, fc1, fc2], "
            + "got \"out\"",
        requestRefusal(r -> r.putObject("method").putArray("lora-targets").add("q").add("out")));
    assertEquals(prefix + "'method.lora-targets' must be distinct maps from [q, k, v, proj, fc1, "
            + "fc2], at least one, got [q, q]",
        requestRefusal(r -> r.putObject("method").putArray("lora-targets").add("q").add("q")));
    for (String notTrained : List.of("qlora", "none")) {
      assertEquals(prefix + "'method.kind' must be one of [linear, lora, full], got \""
              + notTrained + "\"",
          requestRefusal(r -> r.putObject("method").put("kind", notTrained)));
    }
    assertEquals(prefix + "'optimizer.schedule' must be one of [constant, cosine, linear], got "
        + "\"step\"", requestRefusal(r -> r.putObject("optimizer").put("schedule", "step")));
    assertEquals(prefix + "'pooling' must be one of [cls, cls-and-mean-patch], got \"mean\"",
        requestRefusal(r -> r.put("pooling", "mean")));
    assertEquals(prefix + "'optimizer.warmup-epochs' must be less than epochs (20), got 20",
        requestRefusal(r -> r.putObject("optimizer").put("warmup-epochs", 20)));
    assertEquals(prefix + "'dataset.validation-fraction' must be > 0 and < 1, got 1.0",
        requestRefusal(r -> object(r, "dataset").put("validation-fraction", 1)));
    assertEquals(prefix + "'dataset.max-skipped-fraction' must be >= 0 and <= 1 (the share of "
            + "images that may be skipped; 1 never fails), got 1.5",
        requestRefusal(r -> object(r, "dataset").put("max-skipped-fraction", 1.5)));
    assertEquals(prefix + "'dataset.layout' \"kermany\" holds no masks, so it cannot train a "
        + "SEGMENTATION model", requestRefusal(r -> object(r, "dataset").put("layout", "kermany")));
    assertEquals(prefix + "'task' must be 1 to 64 characters of a-z, 0-9 and '-', got \"Lungs\"",
        requestRefusal(r -> r.put("task", "Lungs")));
    assertEquals(prefix + "'class-names' must be empty (derived from the data set) or hold >= 2 "
        + "classes, got [lesion]", requestRefusal(r -> r.putArray("class-names").add("lesion")));
    assertEquals(prefix + "'export.precision' must be one of [fp32, fp16, int8], got \"int4\"",
        requestRefusal(r -> r.putObject("export").put("precision", "int4")));
    assertEquals(prefix + "'export.bounds.max-metric-drop' must be between 0 and 1, got 1.5",
        requestRefusal(r -> r.putObject("export").putObject("bounds").put("max-metric-drop", 1.5)));
  }

  @Test
  void aQuantizationCheckSummarizesItsFiguresInOneLine() {
    assertEquals("int8 against fp32 on 30 validation images: mask Dice 0.9957; dice 0.9312 -> 0.9301",
        Manifests.segmentation().verification().quantization().summary());
  }

  @Test
  void anInt8ExportNeedsOnlyItsPrecisionAndKeepsTheDefaultBounds() {
    ObjectNode request = tree(MINIMAL);
    request.putObject("export").put("precision", "int8");
    TrainingRequest r = MessageCodec.fromJson(request.toString(), TrainingRequest.class);
    assertEquals(new ExportOptions(ExportPrecision.INT8, new QuantizationBounds(0.98, 0.01, 0.99)), r.export());
  }

  @Test
  void anotherSchemaVersionIsRefusedNamingFoundAndSupported() {
    String suffix = " schema-version 2 is not supported: this build reads schema-version 1 only; "
        + "send schema-version 1, or read it with a medlora release that supports 2";
    assertEquals("training request" + suffix,
        requestRefusal(r -> r.put("schema-version", 2)));
    ObjectNode event = tree(MessageCodec.toJson(Messages.accepted())).put("schema-version", 2);
    assertEquals("job event" + suffix, refusal(event.toString(), JobEvent.class));
    ObjectNode published =
        tree(MessageCodec.toJson(Messages.published())).put("schema-version", 2);
    assertEquals("model-published message" + suffix,
        refusal(published.toString(), ModelPublished.class));
    ObjectNode cancel = tree(MessageCodec.toJson(Messages.cancel())).put("schema-version", 2);
    assertEquals("cancel request" + suffix, refusal(cancel.toString(), CancelRequest.class));
  }

  @Test
  void onlyHandWrittenMessagesMayLeaveOutTheSchemaVersion() {
    assertEquals(Messages.cancel(), MessageCodec.fromJson(
        "{\"request-id\": \"lungs-001\", \"reason\": \"wrong data set\"}", CancelRequest.class));
    ObjectNode event = tree(MessageCodec.toJson(Messages.accepted()));
    event.remove("schema-version");
    assertEquals("invalid job event: field 'schema-version' is missing",
        refusal(event.toString(), JobEvent.class));
    ObjectNode published = tree(MessageCodec.toJson(Messages.published()));
    published.remove("schema-version");
    assertEquals("invalid model-published message: field 'schema-version' is missing",
        refusal(published.toString(), ModelPublished.class));
  }

  @Test
  void unknownFieldsAreIgnored() {
    ObjectNode request = tree(MessageCodec.toJson(Messages.classification()));
    request.putObject("added-later").putArray("x").add(1);
    ((ObjectNode) request.get("optimizer")).put("betas", "0.9,0.999");
    assertEquals(Messages.classification(),
        MessageCodec.fromJson(request.toString(), TrainingRequest.class));
    for (JobEvent e : Messages.events()) {
      ObjectNode event = tree(MessageCodec.toJson(e)).put("added-later", true);
      assertEquals(e, MessageCodec.fromJson(event.toString(), JobEvent.class));
    }
    ObjectNode published = tree(MessageCodec.toJson(Messages.published())).put("size", 42);
    assertEquals(Messages.published(),
        MessageCodec.fromJson(published.toString(), ModelPublished.class));
    ObjectNode cancel = tree(MessageCodec.toJson(Messages.cancel())).put("by", "ops");
    assertEquals(Messages.cancel(), MessageCodec.fromJson(cancel.toString(), CancelRequest.class));
  }

  @Test
  void aMissingRequiredFieldIsNamedWithItsPath() {
    assertEquals("invalid training request: field 'dataset.layout' is missing",
        requestRefusal(r -> object(r, "dataset").remove("layout")));
    assertEquals("invalid training request: field 'checkpoint' is missing",
        requestRefusal(r -> r.remove("checkpoint")));
    assertEquals("invalid training request: field 'request-id' is missing",
        requestRefusal(r -> r.putNull("request-id")));
    ObjectNode progress = tree(MessageCodec.toJson(Messages.progress()));
    progress.remove("epoch");
    assertEquals("invalid job event: field 'epoch' is missing",
        refusal(progress.toString(), JobEvent.class));
    ObjectNode accepted = tree(MessageCodec.toJson(Messages.accepted()));
    accepted.remove("timestamp");
    assertEquals("invalid job event: field 'timestamp' is missing",
        refusal(accepted.toString(), JobEvent.class));
    ObjectNode published = tree(MessageCodec.toJson(Messages.published()));
    published.remove("model-sha256");
    assertEquals("invalid model-published message: field 'model-sha256' is missing",
        refusal(published.toString(), ModelPublished.class));
    assertEquals("invalid cancel request: field 'reason' is missing",
        refusal("{\"request-id\": \"r\"}", CancelRequest.class));
  }

  @Test
  void aValueOfTheWrongTypeIsNamedWithItsPath() {
    String prefix = "invalid training request: field ";
    assertEquals(prefix + "'epochs' must be an integer, got \"20\"",
        requestRefusal(r -> r.put("epochs", "20")));
    assertEquals(prefix + "'seed' must be an integer, got 1.5",
        requestRefusal(r -> r.put("seed", 1.5)));
    assertEquals(prefix + "'method.lora-targets[1]' must be a string, got 1",
        requestRefusal(r -> r.putObject("method").putArray("lora-targets").add("q").add(1)));
    assertEquals(prefix + "'optimizer' must be an object, got \"adam\"",
        requestRefusal(r -> r.put("optimizer", "adam")));
    assertEquals(prefix + "'dice-loss' must be true or false, got \"yes\"",
        requestRefusal(r -> r.put("dice-loss", "yes")));
    assertEquals(prefix + "'kind' must be one of [features, classification, segmentation], got "
        + "\"detection\"", requestRefusal(r -> r.put("kind", "detection")));
    assertEquals(prefix + "'dataset.layout' must be a string, got 3",
        requestRefusal(r -> object(r, "dataset").put("layout", 3)));
    ObjectNode progress = tree(MessageCodec.toJson(Messages.progress()));
    ((ObjectNode) progress.get("metrics")).put("val-dice", "high");
    assertEquals("invalid job event: field 'metrics.val-dice' must be a number, got \"high\"",
        refusal(progress.toString(), JobEvent.class));
    ObjectNode accepted = tree(MessageCodec.toJson(Messages.accepted()));
    accepted.put("timestamp", "yesterday");
    assertEquals("invalid job event: field 'timestamp' must be an ISO-8601 UTC instant such as "
        + "2025-01-31T12:00:00Z, got \"yesterday\"", refusal(accepted.toString(), JobEvent.class));
  }

  @Test
  void anEventOfUnknownTypeIsRefusedNamingTheType() {
    ObjectNode event = tree(MessageCodec.toJson(Messages.accepted())).put("type", "paused");
    assertEquals("invalid job event: field 'type' must be one of [accepted, progress, completed, "
        + "failed, cancelled], got \"paused\"", refusal(event.toString(), JobEvent.class));
    event.remove("type");
    assertEquals("invalid job event: field 'type' is missing",
        refusal(event.toString(), JobEvent.class));
  }

  @Test
  void readingOneKindOfEventRefusesTheOthers() {
    String progress = MessageCodec.toJson(Messages.progress());
    assertEquals(Messages.progress(), MessageCodec.fromJson(progress, JobEvent.Progress.class));
    assertEquals("invalid job event: expected type \"failed\", got \"progress\"",
        refusal(progress, JobEvent.Failed.class));
    assertEquals("MessageCodec reads TrainingRequest, JobEvent, ModelPublished and CancelRequest, "
        + "not class java.lang.String", refusal("{}", String.class));
  }

  @Test
  void aCompletedEventEmbedsTheManifestAsManifestJsonHoldsIt() throws IOException {
    ModelManifest m = Manifests.segmentation();
    JsonNode event = tree(MessageCodec.toJson(Messages.completed()));
    assertEquals(MAPPER.readTree(ManifestCodec.toJson(m)), event.get("manifest"));
    assertEquals("lungs/3", event.get("model-path").asText());

    ObjectNode noEmbedDim = tree(MessageCodec.toJson(Messages.completed()));
    ((ObjectNode) noEmbedDim.get("manifest").get("backbone")).remove("embed-dim");
    assertEquals("invalid job event: field 'manifest.backbone.embed-dim' is missing",
        refusal(noEmbedDim.toString(), JobEvent.class));
    ObjectNode badHeads = tree(MessageCodec.toJson(Messages.completed()));
    ((ObjectNode) badHeads.get("manifest").get("backbone")).put("num-heads", 5);
    assertEquals("invalid job event in field 'manifest.backbone': numHeads must divide embedDim, "
        + "got numHeads=5, embedDim=384", refusal(badHeads.toString(), JobEvent.class));
    ObjectNode wrongPath = tree(MessageCodec.toJson(Messages.completed())).put("model-path", "x/3");
    assertEquals("invalid job event: field 'model-path' must be \"lungs/3\" (<task>/<version> of "
        + "the manifest), got \"x/3\"", refusal(wrongPath.toString(), JobEvent.class));
  }

  @Test
  void aPublishedModelWithoutRequestReadsAsNull() {
    String json = MessageCodec.toJson(Messages.publishedByCli());
    assertTrue(tree(json).get("request-id").isNull());
    ObjectNode absent = tree(json);
    absent.remove("request-id");
    assertNull(MessageCodec.fromJson(absent.toString(), ModelPublished.class).requestId());
  }

  @Test
  void textThatIsNotAJsonObjectIsRefusedWithIllegalArgumentException() {
    Map<Class<?>, String> subjects = Map.of(
        TrainingRequest.class, "invalid training request: ",
        JobEvent.class, "invalid job event: ",
        ModelPublished.class, "invalid model-published message: ",
        CancelRequest.class, "invalid cancel request: ");
    List<String> bad = new ArrayList<>(List.of(
        "", "   ", "[]", "42", "\"text\"", "null", "{", "{\"request-id\": }", "{} {}",
        "{\"request-id\": \"a\", \"request-id\": \"b\"}", "{\"a\": 1e99999999999}",
        "{\"a\": NaN}", "{\"a\": " + "[".repeat(2000) + "]".repeat(2000) + "}", "\u0000"));
    bad.add(null);
    for (Map.Entry<Class<?>, String> type : subjects.entrySet()) {
      for (String json : bad) {
        String message = refusal(json, type.getKey());
        assertTrue(message.startsWith(type.getValue()), message);
      }
    }
    assertEquals("invalid training request: expected a JSON object, got ARRAY",
        refusal("[]", TrainingRequest.class));
    assertTrue(refusal("{\"request-id\": ", TrainingRequest.class)
        .startsWith("invalid training request: not valid JSON at line 1, column 16"));
  }

  @Test
  void everyTruncationOfAMessageIsRefusedWithIllegalArgumentException() {
    List<Map.Entry<String, Class<?>>> messages = List.of(
        Map.entry(MessageCodec.toJson(Messages.classification()), TrainingRequest.class),
        Map.entry(MessageCodec.toJson(Messages.completed()), JobEvent.class),
        Map.entry(MessageCodec.toJson(Messages.progress()), JobEvent.class),
        Map.entry(MessageCodec.toJson(Messages.published()), ModelPublished.class),
        Map.entry(MessageCodec.toJson(Messages.cancel()), CancelRequest.class));
    for (Map.Entry<String, Class<?>> m : messages) {
      String json = m.getKey();
      for (int end = 0; end < json.length(); end++) {
        String cut = json.substring(0, end);
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.fromJson(cut, m.getValue()),
            cut);
      }
    }
  }
}
