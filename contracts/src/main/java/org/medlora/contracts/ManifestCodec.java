package org.medlora.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.medlora.contracts.JsonTree.Node;

/**
 * Reads and writes {@link ModelManifest}s as {@code manifest.json}, the one place where trainer
 * and service agree on the bytes.
 *
 * <p>Writing follows the records' Jackson annotations: kebab-case keys in component order, every
 * key present ({@code null} where a value is absent). Reading is by hand, key by key, so that a
 * bad value is reported with the JSON path of its field. Unknown keys are ignored (a newer writer
 * may add some); missing optional keys ({@code class-names}, {@code training}, {@code metrics},
 * {@code software}, {@code dataset}, {@code artifacts}, {@code history}, the {@code lora-*} keys,
 * {@code dataset.skipped-*}) read as empty, 0 or null. The {@code training} request reads as
 * {@link MessageCodec} reads a request. Documents of another {@code schema-version} are refused.
 */
public final class ManifestCodec {

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
      return WRITER.writeValueAsString(m) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a manifest always serializes: " + e.getMessage(), e);
    }
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
                    me.named("kind", MethodKind.class),
                    me.has("lora-rank") ? me.integer("lora-rank") : null,
                    me.has("lora-alpha") ? me.floatValue("lora-alpha") : null,
                    me.has("lora-targets")
                        ? me.list("lora-targets", n -> n.named(LoraTarget.class))
                        : null,
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
                    v.longValue("argmax-mismatches"),
                    // Absent from manifests written before int8 exports.
                    v.has("quantization") ? quantization(v.object("quantization")) : null));

    String task = root.string("task");
    int version = root.integer("version");
    ModelKind kind = root.named("kind", ModelKind.class);
    List<String> classNames =
        root.has("class-names") ? root.list("class-names", Node::string) : List.of();
    String inputName = root.string("input-name");
    TrainingRequest training =
        root.has("training") ? MessageCodec.trainingRequest(root.object("training")) : null;
    Map<String, Double> metrics = root.map("metrics", Node::number);
    // Absent from manifests written before histories were recorded.
    List<EpochRecord> history = root.or("history", n -> n.list(ManifestCodec::epoch), List.of());
    String precision = root.string("precision");
    int opset = root.integer("opset");
    String modelSha256 = root.string("model-sha256");
    // Absent from manifests written before versions kept their trained parts.
    List<ArtifactInfo> artifacts =
        root.or("artifacts", n -> n.list(ManifestCodec::artifact), List.of());
    Map<String, String> software = root.map("software", Node::string);
    Instant createdAt = root.instant("created-at");
    return root.build(
        () ->
            new ModelManifest(schema, task, version, kind, classNames, preprocessing, inputName,
                outputs, backbone, method, training, metrics, history, dataset, verification,
                precision, opset, modelSha256, artifacts, software, createdAt));
  }

  private static EpochRecord epoch(Node e) {
    Node o = e.object();
    return o.build(
        () -> new EpochRecord(o.string("phase"), o.integer("epoch"), o.number("seconds"),
            o.map("metrics", Node::number)));
  }

  private static QuantizationCheck quantization(Node q) {
    return q.build(
        () ->
            new QuantizationCheck(
                q.string("held-out"),
                q.integer("images"),
                q.has("dice-vs-fp32") ? q.number("dice-vs-fp32") : null,
                q.has("top1-agreement") ? q.number("top1-agreement") : null,
                q.map("fp32-metrics", Node::number),
                q.map("int8-metrics", Node::number),
                MessageCodec.bounds(q.object("bounds"))));
  }

  private static ArtifactInfo artifact(Node a) {
    Node o = a.object();
    return o.build(
        () -> new ArtifactInfo(o.string("path"), o.string("sha256"), o.longValue("bytes")));
  }

  private static DatasetInfo dataset(Node d) {
    return d.build(
        () ->
            new DatasetInfo(
                d.named("layout", DatasetLayout.class),
                d.string("fingerprint-sha256"),
                d.integer("train-count"),
                d.integer("validation-count"),
                // Absent from manifests written before skipped images were recorded.
                d.or("skipped-images", Node::integer, 0),
                d.or("skipped-summary", Node::string, "")));
  }
}
