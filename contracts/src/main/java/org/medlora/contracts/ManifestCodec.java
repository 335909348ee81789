package org.medlora.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.medlora.contracts.JsonTree.Node;

/**
 * Reads and writes {@link ModelManifest}s as {@code manifest.json}, the one place where trainer
 * and service agree on the bytes.
 *
 * <p>The records carry no Jackson annotations: every kebab-case key is mapped here by hand, in a
 * fixed order, so that renaming a Java component can never silently rename a key on disk, and so
 * that a bad value is reported with the JSON path of its field. Unknown keys are ignored (a newer
 * writer may add some); missing optional keys ({@code class-names}, {@code training},
 * {@code metrics}, {@code software}, {@code dataset}, the {@code lora-*} keys, {@code
 * dataset.skipped-*}) read as empty, 0 or null. Documents of another {@code schema-version} are refused.
 */
public final class ManifestCodec {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  // "\n" rather than the platform's separator, so the file is byte-identical everywhere.
  private static final ObjectWriter WRITER =
      JsonTree.MAPPER.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private ManifestCodec() {}

  /** Pretty-printed JSON with keys in a fixed order and a final newline. */
  public static String toJson(ModelManifest m) {
    try {
      return WRITER.writeValueAsString(toTree(m)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing a JSON tree to a string cannot fail", e);
    }
  }

  /** The manifest as the JSON object {@link #toJson} prints; other messages embed it. */
  static ObjectNode toTree(ModelManifest m) {
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
      dataset.put("skipped-images", d.skippedImages());
      dataset.put("skipped-summary", d.skippedSummary());
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
    return root;
  }

  /**
   * Parses a manifest.
   *
   * @throws IllegalArgumentException if the text is not JSON, has another {@code schema-version},
   *     or a field is missing, of the wrong type or out of range; the message names the field
   */
  public static ModelManifest fromJson(String json) {
    return fromTree(JsonTree.parse(json, "model manifest"));
  }

  /**
   * Reads a manifest from its JSON object, wherever that sits: errors name the field's path from
   * the document's root, e.g. {@code manifest.backbone.embed-dim} inside a job event.
   */
  static ModelManifest fromTree(Node root) {
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
                d.integer("validation-count"),
                // Absent from manifests written before skipped images were recorded.
                d.or("skipped-images", Node::integer, 0),
                d.or("skipped-summary", Node::string, "")));
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static void floats(ArrayNode array, List<Float> values) {
    values.forEach(array::add);
  }
}
