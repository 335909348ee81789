package org.medlora.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MessageSchemaTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode requestJson;
  private static JsonNode eventJson;
  private static JsonNode publishedJson;
  private static JsonNode cancelJson;
  private static JsonSchema request;
  private static JsonSchema event;
  private static JsonSchema published;
  private static JsonSchema cancel;

  @BeforeAll
  static void loadSchemas() throws IOException {
    // job-event refers to the manifest schema by its $id, as any schema registry would, and the
    // manifest to the training request's.
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
        SpecVersion.VersionFlag.V202012,
        builder -> builder.schemaMappers(mappers -> mappers.mappings(Map.of(
            "urn:medlora:schema:model-manifest:1",
            "classpath:schemas/model-manifest.schema.json",
            "urn:medlora:schema:training-request:1",
            "classpath:schemas/training-request.schema.json"))));
    requestJson = load("training-request");
    eventJson = load("job-event");
    publishedJson = load("model-published");
    cancelJson = load("cancel-request");
    request = factory.getSchema(requestJson);
    event = factory.getSchema(eventJson);
    published = factory.getSchema(publishedJson);
    cancel = factory.getSchema(cancelJson);
  }

  private static JsonNode load(String name) throws IOException {
    try (InputStream in = MessageSchemaTest.class.getResourceAsStream(
        "/schemas/" + name + ".schema.json")) {
      return MAPPER.readTree(in);
    }
  }

  private static ObjectNode tree(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> keysOf(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents())
        .map(RecordComponent::getName)
        .map(JsonTree::kebab)
        .toList();
  }

  private static List<String> keys(JsonNode object) {
    List<String> keys = new ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static List<String> required(JsonNode objectSchema) {
    List<String> names = new ArrayList<>();
    objectSchema.get("required").forEach(n -> names.add(n.asText()));
    return names;
  }

  /** The event's record components as keys, with the "type" discriminator second. */
  private static List<String> eventKeys(JobEvent e) {
    @SuppressWarnings("unchecked")
    List<String> keys = new ArrayList<>(keysOf((Class<? extends Record>) e.getClass()));
    keys.add(1, "type");
    return keys;
  }

  @Test
  void everyWrittenMessageSatisfiesItsSchema() {
    for (TrainingRequest r : Messages.requests()) {
      assertEquals(Set.of(), request.validate(tree(MessageCodec.toJson(r))), r::toString);
    }
    for (JobEvent e : Messages.events()) {
      assertEquals(Set.of(), event.validate(tree(MessageCodec.toJson(e))), e::toString);
    }
    for (ModelPublished p : List.of(Messages.published(), Messages.publishedByCli())) {
      assertEquals(Set.of(), published.validate(tree(MessageCodec.toJson(p))));
    }
    assertEquals(Set.of(), cancel.validate(tree(MessageCodec.toJson(Messages.cancel()))));
  }

  @Test
  void requiredKeysAreExactlyWhatTheCodecAlwaysWritesAndTheRecordsHold() {
    ObjectNode r = tree(MessageCodec.toJson(Messages.classification()));
    JsonNode props = requestJson.get("properties");
    assertEquals(keysOf(TrainingRequest.class), keys(r));
    assertEquals(keys(r), required(requestJson));
    Map<String, Class<? extends Record>> parts = Map.of(
        "dataset", DatasetSpec.class,
        "method", MethodSpec.class,
        "optimizer", OptimizerSpec.class,
        "augmentation", AugmentationSpec.class,
        "decoder", DecoderSpec.class);
    for (Map.Entry<String, Class<? extends Record>> part : parts.entrySet()) {
      assertEquals(keysOf(part.getValue()), keys(r.get(part.getKey())), part.getKey());
      assertEquals(keys(r.get(part.getKey())), required(props.get(part.getKey())), part.getKey());
    }

    List<String> common = required(eventJson);
    for (JobEvent e : Messages.events()) {
      ObjectNode written = tree(MessageCodec.toJson(e));
      assertEquals(eventKeys(e), keys(written), e.type());
      assertEquals(keys(written), required(eventJson.get("$defs").get(e.type())), e.type());
      assertEquals(common, keys(written).subList(0, common.size()), e.type());
    }

    ObjectNode p = tree(MessageCodec.toJson(Messages.publishedByCli()));
    assertEquals(keysOf(ModelPublished.class), keys(p));
    assertEquals(keys(p), required(publishedJson));
    ObjectNode c = tree(MessageCodec.toJson(Messages.cancel()));
    assertEquals(keysOf(CancelRequest.class), keys(c));
    assertEquals(keys(c), required(cancelJson));
  }

  @Test
  void theRequestSchemasDefaultsAreTheDefaultsTheCodecFills() {
    List<String> withoutDefault = new ArrayList<>();
    compareDefaults(requestJson, tree(MessageCodec.toJson(Messages.minimal())), "",
        withoutDefault);
    assertEquals(
        List.of("request-id", "task", "kind", "dataset.location", "dataset.layout", "checkpoint"),
        withoutDefault);
  }

  /** Compares each "default" with the written value; collects the keys that have none. */
  private static void compareDefaults(
      JsonNode schema, JsonNode written, String path, List<String> withoutDefault) {
    JsonNode props = schema.get("properties");
    written.fieldNames().forEachRemaining(key -> {
      JsonNode property = props.get(key);
      String at = path.isEmpty() ? key : path + "." + key;
      JsonNode value = written.get(key);
      if (property.has("properties")) {
        compareDefaults(property, value, at, withoutDefault);
      } else if (!property.has("default")) {
        withoutDefault.add(at);
      } else if (value.isNumber()) {
        assertEquals(property.get("default").decimalValue().doubleValue(),
            value.decimalValue().doubleValue(), 0.0, at);
      } else {
        assertEquals(property.get("default"), value, at);
      }
    });
  }

  private static void assertRefused(JsonSchema schema, String json, Consumer<ObjectNode> edit) {
    ObjectNode bad = tree(json);
    edit.accept(bad);
    assertFalse(schema.validate(bad).isEmpty(), bad::toString);
  }

  private static ObjectNode at(ObjectNode node, String key) {
    return (ObjectNode) node.get(key);
  }

  @Test
  void theSchemasRefuseWhatTheReadersRefuse() {
    String r = MessageCodec.toJson(Messages.classification());
    List<Consumer<ObjectNode>> badRequests = List.of(
        n -> n.put("request-id", "a/b"),
        n -> n.put("request-id", ".."),
        n -> n.put("kind", "features"),
        n -> n.put("image-size", 450),
        n -> at(n, "decoder").put("train", true),
        n -> n.put("dice-loss", true),
        n -> at(n, "method").putArray("lora-targets").add("q").add("out"),
        n -> at(n, "dataset").put("layout", "imagenet"),
        n -> at(n, "dataset").put("max-skipped-fraction", 1.5),
        n -> at(n, "optimizer").put("name", "lion"),
        n -> at(n, "optimizer").put("learning-rate", -1),
        n -> n.put("kind", "segmentation"),
        n -> n.putArray("class-names").add("pneumonia"),
        n -> n.put("checkpoint", "/models/dinov2.pth"),
        n -> n.remove("seed"));
    badRequests.forEach(edit -> assertRefused(request, r, edit));

    List<Map.Entry<JobEvent, Consumer<ObjectNode>>> badEvents = List.of(
        Map.entry(Messages.accepted(), n -> n.put("type", "paused")),
        Map.entry(Messages.accepted(), n -> n.put("attempt", 0)),
        Map.entry(Messages.accepted(), n -> n.put("device", "cuda")),
        Map.entry(Messages.progress(), n -> n.remove("metrics")),
        Map.entry(Messages.progress(), n -> n.put("type", "failed")),
        Map.entry(Messages.completed(), n -> at(n, "manifest").remove("opset")),
        Map.entry(Messages.completed(), n -> at(n, "manifest").put("task", "Lungs")),
        Map.entry(Messages.failed(), n -> n.put("reason", " ")),
        Map.entry(Messages.cancelled(), n -> n.remove("request-id")),
        Map.entry(Messages.completed(), n -> n.remove("attempt")),
        Map.entry(Messages.cancelled(), n -> n.put("attempt", 0)));
    badEvents.forEach(e -> assertRefused(event, MessageCodec.toJson(e.getKey()), e.getValue()));

    String p = MessageCodec.toJson(Messages.publishedByCli());
    assertRefused(published, p, n -> n.putArray("class-names").add("a").add("b"));
    assertRefused(published, p, n -> n.put("model-path", "dino-features/01"));
    assertRefused(published, p, n -> n.put("request-id", "a b"));
    assertRefused(cancel, MessageCodec.toJson(Messages.cancel()), n -> n.put("reason", ""));
  }

  @Test
  void theRequestSchemasClosedSetsAreTheContractsEnums() {
    JsonNode props = requestJson.get("properties");
    assertEquals(JsonNamed.jsonNames(DatasetLayout.class), ManifestSchemaTest.strings(
        props.get("dataset").get("properties").get("layout").get("enum")));
    JsonNode method = props.get("method").get("properties");
    assertEquals(Checks.jsonNames(MethodSpec.KINDS),
        ManifestSchemaTest.strings(method.get("kind").get("enum")));
    assertEquals(JsonNamed.jsonNames(LoraTarget.class),
        ManifestSchemaTest.strings(method.get("lora-targets").get("items").get("enum")));
    JsonNode optimizer = props.get("optimizer").get("properties");
    assertEquals(JsonNamed.jsonNames(OptimizerKind.class),
        ManifestSchemaTest.strings(optimizer.get("name").get("enum")));
    assertEquals(JsonNamed.jsonNames(Schedule.class),
        ManifestSchemaTest.strings(optimizer.get("schedule").get("enum")));
    assertEquals(JsonNamed.jsonNames(Pooling.class),
        ManifestSchemaTest.strings(props.get("pooling").get("enum")));
  }

  @Test
  void everySchemaIsDraft2020AndNamedByItsId() {
    for (JsonNode schema : List.of(requestJson, eventJson, publishedJson, cancelJson)) {
      assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
      assertTrue(schema.get("$id").asText().matches("urn:medlora:schema:[a-z-]+:1"));
    }
  }
}
