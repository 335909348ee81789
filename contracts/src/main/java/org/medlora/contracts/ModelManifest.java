package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything needed to serve, audit and reproduce one exported model: what it computes, how its
 * input is prepared, what it outputs, what it was built from and how it was checked. Written as
 * {@code manifest.json} beside {@code model.onnx} by {@link ManifestCodec}, which the Jackson
 * annotations here name the keys for. Made by a store from a {@link ManifestDraft}.
 *
 * @param schemaVersion layout of this record on disk; always {@link #SCHEMA_VERSION}
 * @param task the task's name: lowercase letters, digits and '-', 1 to 64 characters; it names
 *     a directory and a Triton model, so nothing else is allowed
 * @param version the model's version within its task, from 1
 * @param kind what the model computes
 * @param classNames output classes in output order; empty for {@link ModelKind#FEATURES}, at
 *     least 2 otherwise, with the background first for {@link ModelKind#SEGMENTATION}
 * @param preprocessing how pixels become the model input
 * @param inputName the ONNX input name, {@link OnnxNames#INPUT}
 * @param outputs the ONNX outputs; each starts with the dynamic batch dimension (-1)
 * @param backbone the backbone the model was built from
 * @param method how the backbone was adapted
 * @param training the request the model was trained for, with its request id, as it was sent;
 *     null when the model was exported by hand ({@code bin/medlora export}). Its task and kind
 *     are this manifest's
 * @param metrics validation metrics and the trainable parameter count, finite; may be empty
 * @param history every epoch of every training phase in the order they ran, with the same
 *     metric names as {@code metrics}: the learning curves; empty when the model was not trained
 *     here, as in manifests written before histories were recorded
 * @param dataset the training data, or null when the model was not trained here
 * @param verification how the ONNX export was checked against the training framework
 * @param precision {@code fp32}, {@code fp16} or {@code int8} ({@link ExportPrecision}), the
 *     weights' element type (the input is float32 for all)
 * @param opset the ONNX opset the graph was exported with
 * @param modelSha256 SHA-256 of {@code model.onnx}, lowercase hex
 * @param artifacts the files kept beside {@code model.onnx} (adapter, head, decoder, fine-tuned
 *     backbone) with the SHA-256 and size the store wrote, which lists them sorted by path; empty
 *     when none were kept, as in manifests written before versions kept them
 * @param software versions of what built the model (medlora, djl, libtorch, java, os, ...)
 * @param createdAt when the model was exported
 */
public record ModelManifest(
    @JsonProperty("schema-version") int schemaVersion,
    String task,
    int version,
    ModelKind kind,
    @JsonProperty("class-names") List<String> classNames,
    PreprocessingSpec preprocessing,
    @JsonProperty("input-name") String inputName,
    List<TensorSpec> outputs,
    BackboneInfo backbone,
    MethodInfo method,
    TrainingRequest training,
    Map<String, Double> metrics,
    List<EpochRecord> history,
    DatasetInfo dataset,
    VerificationInfo verification,
    String precision,
    int opset,
    @JsonProperty("model-sha256") String modelSha256,
    List<ArtifactInfo> artifacts,
    Map<String, String> software,
    @JsonProperty("created-at") Instant createdAt) {

  /** The only layout this build reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  public static final List<String> PRECISIONS = JsonNamed.jsonNames(ExportPrecision.class);

  /** ONNX Runtime runs opset 7 and later. */
  public static final int MIN_OPSET = 7;

  private static final Pattern TASK = Pattern.compile("[a-z0-9-]{1,64}");

  public ModelManifest {
    if (schemaVersion != SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schemaVersion must be " + SCHEMA_VERSION + ", got " + schemaVersion);
    }
    // The draft checks (and copies) everything but the version and the digest.
    ManifestDraft draft = new ManifestDraft(task, kind, classNames, preprocessing, inputName,
        outputs, backbone, method, training, metrics, history, dataset, verification, precision,
        opset, software, createdAt);
    classNames = draft.classNames();
    outputs = draft.outputs();
    metrics = draft.metrics();
    history = draft.history();
    software = draft.software();
    Checks.atLeast("version", version, 1);
    Checks.sha256("modelSha256", modelSha256);
    artifacts = List.copyOf(Checks.nonNull("artifacts", artifacts));
    ArtifactInfo.checkPaths(artifacts.stream().map(ArtifactInfo::path).toList());
  }

  /**
   * Returns {@code task} if it is a valid task name, else throws. Exposed because the name is
   * also a directory name, which whoever builds paths from it must check first.
   *
   * @throws IllegalArgumentException naming the rule the task broke
   */
  public static String checkTask(String task) {
    if (task == null || !TASK.matcher(task).matches()) {
      throw Checks.invalid(
          "task", "must be 1 to 64 characters of a-z, 0-9 and '-', got " + Checks.quoted(task));
    }
    return task;
  }

  /**
   * This manifest without what the store records (version, digest, artifacts), e.g. to publish
   * the same model again.
   */
  public ManifestDraft draft() {
    return new ManifestDraft(task, kind, classNames, preprocessing, inputName, outputs, backbone,
        method, training, metrics, history, dataset, verification, precision, opset, software,
        createdAt);
  }

  /** The class rule of {@code kind}; shared with the messages that carry class names. */
  static void checkClasses(ModelKind kind, List<String> classNames) {
    if (kind == ModelKind.FEATURES && !classNames.isEmpty()) {
      throw Checks.invalid(
          "classNames", "must be empty for a FEATURES model, got " + classNames);
    }
    if (kind != ModelKind.FEATURES && classNames.size() < 2) {
      throw Checks.invalid(
          "classNames", "must hold >= 2 classes for a " + kind + " model"
              + (kind == ModelKind.SEGMENTATION ? " (background first)" : "") + ", got "
              + classNames);
    }
    Set<String> seen = new HashSet<>();
    for (String c : classNames) {
      Checks.nonBlank("class name", c);
      if (!seen.add(c)) {
        throw Checks.invalid(
            "classNames", "must be distinct, \"" + c + "\" appears twice in " + classNames);
      }
    }
  }
}
