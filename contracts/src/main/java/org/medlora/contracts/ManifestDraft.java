package org.medlora.contracts;

import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link ModelManifest} before its model is in a store: everything but the version number and
 * the digests of the model file and of the artifacts kept beside it, which only the store knows
 * once it has written the files. The exporter makes one, the store turns it into the manifest
 * with {@link #toManifest}. Its checks are the manifest's; the components are documented there.
 */
public record ManifestDraft(
    String task,
    ModelKind kind,
    List<String> classNames,
    PreprocessingSpec preprocessing,
    String inputName,
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
    Map<String, String> software,
    Instant createdAt) {

  public ManifestDraft {
    ModelManifest.checkTask(task);
    Checks.nonNull("kind", kind);
    classNames = List.copyOf(Checks.nonNull("classNames", classNames));
    ModelManifest.checkClasses(kind, classNames);
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
    if (training != null && (!training.task().equals(task) || training.kind() != kind)) {
      throw Checks.invalid("training", "must be a request for this manifest's task " + task
          + " and kind " + kind + ", got task " + training.task() + " and kind "
          + training.kind());
    }
    metrics = finiteMetrics("metrics", metrics);
    history = List.copyOf(Checks.nonNull("history", history));
    Checks.nonNull("verification", verification);
    Checks.oneOf("precision", precision, ModelManifest.PRECISIONS);
    Checks.atLeast("opset", opset, ModelManifest.MIN_OPSET);
    software = orderedCopy("software", software);
    Checks.nonNull("createdAt", createdAt);
  }

  /**
   * The manifest of this model as version {@code version} of its task, whose
   * {@code model.onnx} has the SHA-256 {@code modelSha256} and beside which the store kept
   * {@code artifacts}.
   */
  public ModelManifest toManifest(int version, String modelSha256, List<ArtifactInfo> artifacts) {
    return new ModelManifest(ModelManifest.SCHEMA_VERSION, task, version, kind, classNames,
        preprocessing, inputName, outputs, backbone, method, training, metrics, history, dataset,
        verification, precision, opset, modelSha256, artifacts, software, createdAt);
  }

  /** The manifest of a version that keeps nothing beside its model. */
  public ModelManifest toManifest(int version, String modelSha256) {
    return toManifest(version, modelSha256, List.of());
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

  /** An ordered copy of {@code metrics}, whose values must be finite. */
  static Map<String, Double> finiteMetrics(String field, Map<String, Double> metrics) {
    Map<String, Double> copy = orderedCopy(field, metrics);
    for (Map.Entry<String, Double> m : copy.entrySet()) {
      if (!Double.isFinite(m.getValue())) {
        throw new IllegalArgumentException(
            field + " must be finite (leave undefined ones out), got " + m.getKey() + "="
                + m.getValue());
      }
    }
    return copy;
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
