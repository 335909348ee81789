package org.medlora.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads and writes {@link ModelManifest}s as {@code manifest.json}, the one place where trainer
 * and service agree on the bytes.
 *
 * <p>The records carry no Jackson annotations: every kebab-case key is mapped here by hand, in a
 * fixed order, so that renaming a Java component can never silently rename a key on disk, and so
 * that a bad value is reported with the JSON path of its field. Unknown keys are ignored (a newer
 * writer may add some); missing optional keys ({@code class-names}, {@code training},
 * {@code metrics}, {@code software}, {@code dataset}, the {@code lora-*} keys) read as empty or
 * null. Documents of another {@code schema-version} are refused.
 */
public final class ManifestCodec {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          // Decimal text kept exactly, so floats are rounded once, straight from the text.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  // "\n" rather than the platform's separator, so the file is byte-identical everywhere.
  private static final ObjectWriter WRITER =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private ManifestCodec() {}

  /** Pretty-printed JSON with keys in a fixed order and a final newline. */
  public static String toJson(ModelManifest m) {
    ObjectNode root = NODES.objectNode();
    root.put("schema-version", m.schemaVersion());
    root.put("task", m.task());
    root.put("version", m.version());
    root.put("kind", m.kind().name().toLowerCase(Locale.ROOT));
    strings(root.putArray("class-names"), m.classNames());

    ObjectNode pre = root.putObject("preprocessing");
    pre.put("height", m.preprocessing().height());
    pre.put("width", m.preprocessing().width());
    floats(pre.putArray("mean"), m.preprocessing().mean());
    floats(pre.putArray("std"), m.preprocessing().std());

    root.put("input-name", m.inputName());
    ArrayNode outputs = root.putArray("outputs");
    for (TensorSpec t : m.outputs()) {
      ObjectNode o = outputs.addObject();
      o.put("name", t.name());
      o.put("dtype", t.dtype());
      ArrayNode dims = o.putArray("dims");
      t.dims().forEach(dims::add);
    }

    BackboneInfo b = m.backbone();
    ObjectNode backbone = root.putObject("backbone");
    backbone.put("architecture", b.architecture());
    backbone.put("embed-dim", b.embedDim());
    backbone.put("depth", b.depth());
    backbone.put("num-heads", b.numHeads());
    backbone.put("patch-size", b.patchSize());
    backbone.put("register-tokens", b.registerTokens());
    backbone.put("checkpoint-file", b.checkpointFile());
    backbone.put("checkpoint-sha256", b.checkpointSha256());

    MethodInfo me = m.method();
    ObjectNode method = root.putObject("method");
    method.put("kind", me.kind());
    method.put("lora-rank", me.loraRank());
    method.put("lora-alpha", me.loraAlpha());
    if (me.loraTargets() == null) {
      method.putNull("lora-targets");
    } else {
      strings(method.putArray("lora-targets"), me.loraTargets());
    }
    method.put("rs-lora", me.rsLora());

    ObjectNode training = root.putObject("training");
    m.training().forEach(training::put);
    ObjectNode metrics = root.putObject("metrics");
    m.metrics().forEach(metrics::put);

    DatasetInfo d = m.dataset();
    if (d == null) {
      root.putNull("dataset");
    } else {
      ObjectNode dataset = root.putObject("dataset");
      dataset.put("layout", d.layout());
      dataset.put("fingerprint-sha256", d.fingerprintSha256());
      dataset.put("train-count", d.trainCount());
      dataset.put("validation-count", d.validationCount());
    }

    VerificationInfo v = m.verification();
    ObjectNode verification = root.putObject("verification");
    verification.put("max-abs-diff", v.maxAbsDiff());
    verification.put("tolerance", v.tolerance());
    verification.put("probe-batch", v.probeBatch());
    verification.put("argmax-mismatches", v.argmaxMismatches());

    root.put("precision", m.precision());
    root.put("opset", m.opset());
    root.put("model-sha256", m.modelSha256());
    ObjectNode software = root.putObject("software");
    m.software().forEach(software::put);
    root.put("created-at", m.createdAt().toString());
    try {
      return WRITER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing a JSON tree to a string cannot fail", e);
    }
  }

  /**
   * Parses a manifest.
   *
   * @throws IllegalArgumentException if the text is not JSON, has another {@code schema-version},
   *     or a field is missing, of the wrong type or out of range; the message names the field
   */
  public static ModelManifest fromJson(String json) {
    if (json == null) {
      throw new IllegalArgumentException("invalid model manifest: the text is null");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line " + e.getLocation().getLineNr() + ", column "
                  + e.getLocation().getColumnNr();
      throw new IllegalArgumentException(
          "invalid model manifest: not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException(
          "invalid model manifest: expected a JSON object, got "
              + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType()));
    }
    Node root = new Node(tree, "");
    int schema = root.integer("schema-version");
    if (schema != ModelManifest.SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "model manifest schema-version " + schema + " is not supported: this build reads "
              + "schema-version " + ModelManifest.SCHEMA_VERSION
              + " only; read it with the medlora release that wrote it, or a newer one");
    }

    Node pre = root.object("preprocessing");
    PreprocessingSpec preprocessing =
        pre.build(
            () ->
                new PreprocessingSpec(
                    pre.integer("height"),
                    pre.integer("width"),
                    pre.list("mean", Node::floatValue),
                    pre.list("std", Node::floatValue)));

    List<TensorSpec> outputs = new ArrayList<>();
    for (Node o : root.objects("outputs")) {
      outputs.add(
          o.build(() -> new TensorSpec(o.string("name"), o.string("dtype"),
              o.list("dims", Node::longValue))));
    }

    Node b = root.object("backbone");
    BackboneInfo backbone =
        b.build(
            () ->
                new BackboneInfo(
                    b.string("architecture"),
                    b.integer("embed-dim"),
                    b.integer("depth"),
                    b.integer("num-heads"),
                    b.integer("patch-size"),
                    b.integer("register-tokens"),
                    b.string("checkpoint-file"),
                    b.string("checkpoint-sha256")));

    Node me = root.object("method");
    MethodInfo method =
        me.build(
            () ->
                new MethodInfo(
                    me.string("kind"),
                    me.has("lora-rank") ? me.integer("lora-rank") : null,
                    me.has("lora-alpha") ? me.floatValue("lora-alpha") : null,
                    me.has("lora-targets") ? me.list("lora-targets", Node::string) : null,
                    me.has("rs-lora") ? me.bool("rs-lora") : null));

    DatasetInfo dataset = root.has("dataset") ? dataset(root.object("dataset")) : null;

    Node v = root.object("verification");
    VerificationInfo verification =
        v.build(
            () ->
                new VerificationInfo(
                    v.number("max-abs-diff"),
                    v.number("tolerance"),
                    v.integer("probe-batch"),
                    v.longValue("argmax-mismatches")));

    String task = root.string("task");
    int version = root.integer("version");
    ModelKind kind = root.kind("kind");
    List<String> classNames =
        root.has("class-names") ? root.list("class-names", Node::string) : List.of();
    String inputName = root.string("input-name");
    Map<String, String> training = root.map("training", Node::string);
    Map<String, Double> metrics = root.map("metrics", Node::number);
    String precision = root.string("precision");
    int opset = root.integer("opset");
    String modelSha256 = root.string("model-sha256");
    Map<String, String> software = root.map("software", Node::string);
    Instant createdAt = root.instant("created-at");
    return root.build(
        () ->
            new ModelManifest(schema, task, version, kind, classNames, preprocessing, inputName,
                outputs, backbone, method, training, metrics, dataset, verification, precision,
                opset, modelSha256, software, createdAt));
  }

  private static DatasetInfo dataset(Node d) {
    return d.build(
        () ->
            new DatasetInfo(
                d.string("layout"),
                d.string("fingerprint-sha256"),
                d.integer("train-count"),
                d.integer("validation-count")));
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static void floats(ArrayNode array, List<Float> values) {
    values.forEach(array::add);
  }

  /** A JSON value and its path from the root, so every error can name the field. */
  private static final class Node {

    private final JsonNode json;
    private final String path;

    Node(JsonNode json, String path) {
      this.json = json;
      this.path = path;
    }

    boolean has(String key) {
      JsonNode v = json.get(key);
      return v != null && !v.isNull();
    }

    /** The value under {@code key}, which must be present and not null. */
    private Node child(String key) {
      JsonNode v = json.get(key);
      if (v == null || v.isNull()) {
        throw error(path(key), "is missing");
      }
      return new Node(v, path(key));
    }

    private String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    Node object(String key) {
      Node c = child(key);
      if (!c.json.isObject()) {
        throw c.wrongType("an object");
      }
      return c;
    }

    List<Node> objects(String key) {
      return list(key, n -> {
        if (!n.json.isObject()) {
          throw n.wrongType("an object");
        }
        return n;
      });
    }

    String string(String key) {
      return child(key).string();
    }

    String string() {
      if (!json.isTextual()) {
        throw wrongType("a string");
      }
      return json.textValue();
    }

    int integer(String key) {
      Node c = child(key);
      if (!c.json.isIntegralNumber() || !c.json.canConvertToInt()) {
        throw c.wrongType("an integer");
      }
      return c.json.intValue();
    }

    long longValue(String key) {
      return child(key).longValue();
    }

    long longValue() {
      if (!json.isIntegralNumber() || !json.canConvertToLong()) {
        throw wrongType("an integer");
      }
      return json.longValue();
    }

    double number(String key) {
      return child(key).number();
    }

    double number() {
      if (!json.isNumber()) {
        throw wrongType("a number");
      }
      return json.decimalValue().doubleValue();
    }

    float floatValue(String key) {
      return child(key).floatValue();
    }

    float floatValue() {
      if (!json.isNumber()) {
        throw wrongType("a number");
      }
      return json.decimalValue().floatValue();
    }

    boolean bool(String key) {
      Node c = child(key);
      if (!c.json.isBoolean()) {
        throw c.wrongType("true or false");
      }
      return c.json.booleanValue();
    }

    ModelKind kind(String key) {
      Node c = child(key);
      String s = c.string();
      for (ModelKind k : ModelKind.values()) {
        if (k.name().toLowerCase(Locale.ROOT).equals(s)) {
          return k;
        }
      }
      throw error(c.path, "must be one of features, classification, segmentation, got \"" + s
          + "\"");
    }

    Instant instant(String key) {
      Node c = child(key);
      String s = c.string();
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw error(c.path, "must be an ISO-8601 UTC instant such as 2025-01-31T12:00:00Z, got \""
            + s + "\"");
      }
    }

    <T> List<T> list(String key, Function<Node, T> element) {
      Node c = child(key);
      if (!c.json.isArray()) {
        throw c.wrongType("an array");
      }
      List<T> out = new ArrayList<>();
      for (int i = 0; i < c.json.size(); i++) {
        out.add(element.apply(new Node(c.json.get(i), c.path + "[" + i + "]")));
      }
      return out;
    }

    /** A JSON object of values, in document order; missing reads as empty. */
    <T> Map<String, T> map(String key, Function<Node, T> value) {
      Map<String, T> out = new LinkedHashMap<>();
      if (!has(key)) {
        return out;
      }
      Node c = object(key);
      for (Map.Entry<String, JsonNode> f : c.json.properties()) {
        out.put(f.getKey(), value.apply(new Node(f.getValue(), c.path + "." + f.getKey())));
      }
      return out;
    }

    /** Runs a record constructor, prefixing its complaint with where the record sits. */
    <T> T build(Supplier<T> constructor) {
      try {
        return constructor.get();
      } catch (FieldException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        String where = path.isEmpty() ? "" : " in field '" + path + "'";
        throw new IllegalArgumentException(
            "invalid model manifest" + where + ": " + e.getMessage(), e);
      }
    }

    private FieldException wrongType(String expected) {
      String found = json.toString();
      if (found.length() > 80) {
        found = found.substring(0, 77) + "...";
      }
      return error(path, "must be " + expected + ", got " + found);
    }

    private static FieldException error(String path, String problem) {
      return new FieldException("invalid model manifest: field '" + path + "' " + problem);
    }
  }

  /** A field that is missing or of the wrong type; its message already names the field. */
  private static final class FieldException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    FieldException(String message) {
      super(message);
    }
  }
}
