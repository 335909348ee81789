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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ManifestSchemaTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static JsonNode schemaJson;
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in =
        ManifestSchemaTest.class.getResourceAsStream("/schemas/model-manifest.schema.json")) {
      schemaJson = MAPPER.readTree(in);
    }
    // The manifest refers to the training request's schema by its $id.
    schema = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mappings(Map.of(
                "urn:medlora:schema:training-request:1",
                "classpath:schemas/training-request.schema.json"))))
        .getSchema(schemaJson);
  }

  private static Set<ValidationMessage> validate(ModelManifest m) throws IOException {
    return schema.validate(MAPPER.readTree(ManifestCodec.toJson(m)));
  }

  private static ObjectNode written(ModelManifest m) throws IOException {
    return (ObjectNode) MAPPER.readTree(ManifestCodec.toJson(m));
  }

  /** camelCase component name to the kebab-case key the codec writes. */
  private static String kebab(String component) {
    return component.replaceAll("([A-Z])", "-$1").toLowerCase();
  }

  private static List<String> keysOf(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents())
        .map(RecordComponent::getName)
        .map(ManifestSchemaTest::kebab)
        .toList();
  }

  private static List<String> required(JsonNode objectSchema) {
    List<String> names = new ArrayList<>();
    objectSchema.get("required").forEach(n -> names.add(n.asText()));
    return names;
  }

  @Test
  void writtenManifestsSatisfyTheSchema() throws IOException {
    assertEquals(Set.of(), validate(Manifests.segmentation()));
    assertEquals(Set.of(), validate(Manifests.features()));
    assertTrue(written(Manifests.segmentation()).get("artifacts").size() == 3, "with artifacts");
  }

  @Test
  void theSchemaRefusesWhatTheRecordsRefuse() throws IOException {
    ObjectNode badTask = written(Manifests.segmentation());
    badTask.put("task", "Lungs");
    ObjectNode loraRankOnLinear = written(Manifests.features());
    ((ObjectNode) loraRankOnLinear.get("method")).put("lora-rank", 8);
    ObjectNode fixedBatch = written(Manifests.features());
    ((ObjectNode) fixedBatch.get("outputs").get(0)).putArray("dims").add(1).add(384);
    ObjectNode oneClass = written(Manifests.segmentation());
    oneClass.putArray("class-names").add("lung");
    ObjectNode noOpset = written(Manifests.segmentation());
    noOpset.remove("opset");
    ObjectNode negativeSkips = written(Manifests.segmentation());
    ((ObjectNode) negativeSkips.get("dataset")).put("skipped-images", -1);
    ObjectNode unknownLayout = written(Manifests.segmentation());
    ((ObjectNode) unknownLayout.get("dataset")).put("layout", "image-folder");
    ObjectNode unknownTarget = written(Manifests.segmentation());
    ((ObjectNode) unknownTarget.get("method")).putArray("lora-targets").add("q").add("query");
    ObjectNode requestWithoutId = written(Manifests.segmentation());
    ((ObjectNode) requestWithoutId.get("training")).remove("request-id");
    ObjectNode badRequestRate = written(Manifests.segmentation());
    ((ObjectNode) badRequestRate.get("training").get("optimizer")).put("learning-rate", -1);
    // The layout before the request was kept: hyper-parameters as strings.
    ObjectNode stringMap = written(Manifests.segmentation());
    stringMap.putObject("training").put("image-size", "448");
    ObjectNode escapingArtifact = written(Manifests.segmentation());
    ((ObjectNode) escapingArtifact.get("artifacts").get(0)).put("path", "../model.onnx");
    ObjectNode artifactWithoutDigest = written(Manifests.segmentation());
    ((ObjectNode) artifactWithoutDigest.get("artifacts").get(1)).remove("sha256");
    for (ObjectNode bad : List.of(badTask, loraRankOnLinear, fixedBatch, oneClass, noOpset, negativeSkips,
        unknownLayout, unknownTarget, requestWithoutId, badRequestRate, stringMap, escapingArtifact,
        artifactWithoutDigest)) {
      assertFalse(schema.validate(bad).isEmpty(), bad::toString);
    }
  }

  @Test
  void requiredKeysAreExactlyTheRecordComponents() {
    assertEquals(keysOf(ModelManifest.class), required(schemaJson));
    JsonNode props = schemaJson.get("properties");
    assertEquals(keysOf(PreprocessingSpec.class), required(props.get("preprocessing")));
    assertEquals(keysOf(BackboneInfo.class), required(props.get("backbone")));
    assertEquals(keysOf(MethodInfo.class), required(props.get("method")));
    assertEquals(keysOf(DatasetInfo.class), required(props.get("dataset").get("oneOf").get(1)));
    assertEquals(keysOf(VerificationInfo.class), required(props.get("verification")));
    assertEquals(keysOf(TensorSpec.class), required(schemaJson.get("$defs").get("tensor")));
    assertEquals(keysOf(ArtifactInfo.class), required(schemaJson.get("$defs").get("artifact")));
  }

  @Test
  void theSchemasClosedSetsAreTheContractsEnums() {
    JsonNode props = schemaJson.get("properties");
    assertEquals(JsonNamed.jsonNames(ModelKind.class), strings(props.get("kind").get("enum")));
    JsonNode method = props.get("method");
    assertEquals(JsonNamed.jsonNames(MethodKind.class),
        strings(method.get("properties").get("kind").get("enum")));
    assertEquals(JsonNamed.jsonNames(LoraTarget.class), strings(method.get("then")
        .get("properties").get("lora-targets").get("items").get("enum")));
    assertEquals(JsonNamed.jsonNames(DatasetLayout.class), strings(props.get("dataset")
        .get("oneOf").get(1).get("properties").get("layout").get("enum")));
  }

  static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }

  @Test
  void theCodecWritesExactlyTheRecordComponentsInOrder() throws IOException {
    List<String> keys = new ArrayList<>();
    written(Manifests.segmentation()).fieldNames().forEachRemaining(keys::add);
    assertEquals(keysOf(ModelManifest.class), keys);
    assertTrue(schemaJson.get("properties").has("created-at"));
  }
}
