package org.medlora.contracts;

import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything needed to serve, audit and reproduce one exported model: what it computes, how its
 * input is prepared, what it outputs, what it was built from and how it was checked. Written as
 * {@code manifest.json} beside {@code model.onnx} by {@link ManifestCodec}; the record itself is
 * free of any serialization framework.
 *
 * @param schemaVersion layout of this record on disk; always {@link #SCHEMA_VERSION}
 * @param task the task's name: lowercase letters, digits and '-', 1 to 64 characters; it names
 *     a directory and a Triton model, so nothing else is allowed
 * @param version the model's version within its task, from 1
 * @param kind what the model computes
 * @param classNames output classes in output order; empty for {@link ModelKind#FEATURES}, at
 *     least 2 otherwise, with the background first for {@link ModelKind#SEGMENTATION}
 * @param preprocessing how pixels become the model input
 * @param inputName the ONNX input name, e.g. {@code pixel_values}
 * @param outputs the ONNX outputs; each starts with the dynamic batch dimension (-1)
 * @param backbone the backbone the model was built from
 * @param method how the backbone was adapted
 * @param training hyperparameters in the order they were given; may be empty
 * @param metrics validation metrics, finite; may be empty
 * @param dataset the training data, or null when the model was not trained here
 * @param verification how the ONNX export was checked against the training framework
 * @param precision {@code fp32} or {@code fp16}, the weights' and the input's element type
 * @param opset the ONNX opset the graph was exported with
 * @param modelSha256 SHA-256 of {@code model.onnx}, lowercase hex
 * @param software versions of what built the model (medlora, djl, libtorch, java, os, ...)
 * @param createdAt when the model was exported
 */
public record ModelManifest(
    int schemaVersion,
    String task,
    int version,
    ModelKind kind,
    List<String> classNames,
    PreprocessingSpec preprocessing,
    String inputName,
    List<TensorSpec> outputs,
    BackboneInfo backbone,
    MethodInfo method,
    Map<String, String> training,
    Map<String, Double> metrics,
    DatasetInfo dataset,
    VerificationInfo verification,
    String precision,
    int opset,
    String modelSha256,
    Map<String, String> software,
    Instant createdAt) {

  /** The only layout this build reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  public static final List<String> PRECISIONS = List.of("fp32", "fp16");

  /** ONNX Runtime runs opset 7 and later. */
  public static final int MIN_OPSET = 7;

  private static final Pattern TASK = Pattern.compile("[a-z0-9-]{1,64}");

  public ModelManifest {
    if (schemaVersion != SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schemaVersion must be " + SCHEMA_VERSION + ", got " + schemaVersion);
    }
    checkTask(task);
    Checks.atLeast("version", version, 1);
    Checks.nonNull("kind", kind);
    classNames = List.copyOf(Checks.nonNull("classNames", classNames));
    checkClasses(kind, classNames);
    Checks.nonNull("preprocessing", preprocessing);
    Checks.nonBlank("inputName", inputName);
    outputs = List.copyOf(Checks.nonNull("outputs", outputs));
    checkOutputs(outputs);
    Checks.nonNull("backbone", backbone);
    if (preprocessing.height() % backbone.patchSize() != 0
        || preprocessing.width() % backbone.patchSize() != 0) {
      throw new IllegalArgumentException(
          "preprocessing size must be a multiple of the patch size " + backbone.patchSize()
              + ", got " + preprocessing.height() + "x" + preprocessing.width());
    }
    Checks.nonNull("method", method);
    training = orderedCopy("training", training);
    metrics = orderedCopy("metrics", metrics);
    for (Map.Entry<String, Double> m : metrics.entrySet()) {
      if (!Double.isFinite(m.getValue())) {
        throw new IllegalArgumentException(
            "metrics must be finite (leave undefined ones out), got " + m.getKey() + "="
                + m.getValue());
      }
    }
    Checks.nonNull("verification", verification);
    Checks.oneOf("precision", precision, PRECISIONS);
    Checks.atLeast("opset", opset, MIN_OPSET);
    Checks.sha256("modelSha256", modelSha256);
    software = orderedCopy("software", software);
    Checks.nonNull("createdAt", createdAt);
  }

  /** A manifest in the current {@link #SCHEMA_VERSION}. */
  public ModelManifest(
      String task,
      int version,
      ModelKind kind,
      List<String> classNames,
      PreprocessingSpec preprocessing,
      String inputName,
      List<TensorSpec> outputs,
      BackboneInfo backbone,
      MethodInfo method,
      Map<String, String> training,
      Map<String, Double> metrics,
      DatasetInfo dataset,
      VerificationInfo verification,
      String precision,
      int opset,
      String modelSha256,
      Map<String, String> software,
      Instant createdAt) {
    this(SCHEMA_VERSION, task, version, kind, classNames, preprocessing, inputName, outputs,
        backbone, method, training, metrics, dataset, verification, precision, opset,
        modelSha256, software, createdAt);
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

  /** This manifest with another version number. */
  public ModelManifest withVersion(int newVersion) {
    return new ModelManifest(schemaVersion, task, newVersion, kind, classNames, preprocessing,
        inputName, outputs, backbone, method, training, metrics, dataset, verification,
        precision, opset, modelSha256, software, createdAt);
  }

  /** This manifest describing a model file with another digest. */
  public ModelManifest withModelSha256(String newModelSha256) {
    return new ModelManifest(schemaVersion, task, version, kind, classNames, preprocessing,
        inputName, outputs, backbone, method, training, metrics, dataset, verification,
        precision, opset, newModelSha256, software, createdAt);
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

  private static void checkOutputs(List<TensorSpec> outputs) {
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("outputs must list at least one tensor");
    }
    Set<String> seen = new HashSet<>();
    for (TensorSpec o : outputs) {
      if (!seen.add(o.name())) {
        throw new IllegalArgumentException(
            "output names must be distinct, \"" + o.name() + "\" appears twice");
      }
      // Servers batch requests, so every output must accept any batch size.
      if (o.dims().get(0) != -1) {
        throw new IllegalArgumentException(
            "output " + o.name() + " must start with the dynamic batch dimension -1, got dims "
                + o.dims());
      }
    }
  }

  /** An unmodifiable copy that keeps the caller's order, which a reader of the JSON sees. */
  private static <V> Map<String, V> orderedCopy(String field, Map<String, V> map) {
    Checks.nonNull(field, map);
    Map<String, V> copy = new LinkedHashMap<>();
    for (Map.Entry<String, V> e : map.entrySet()) {
      Checks.nonBlank(field + " key", e.getKey());
      copy.put(e.getKey(), Checks.nonNull(field + " value for " + e.getKey(), e.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }
}
