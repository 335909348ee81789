package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * A new model version is in the store, announced on the compacted topic
 * {@link Topics#MODEL_PUBLISHED} (key: the task), so that the newest announcement per task is
 * kept and an inference service starting up learns every task's current version.
 *
 * @param schemaVersion layout of this message; always {@link #SCHEMA_VERSION}
 * @param task the task, as {@link ModelManifest#checkTask} allows
 * @param version the new version, from 1
 * @param modelPath where the version lives relative to the store root: {@code <task>/<version>}
 * @param modelSha256 SHA-256 of its {@code model.onnx}, lowercase hex, as in its manifest
 * @param kind what the model computes
 * @param classNames its output classes, by the manifest's rule for {@code kind}
 * @param publishedAt when the version was published
 * @param requestId the training request it came from, or null when published by the CLI
 */
public record ModelPublished(
    @JsonProperty("schema-version") int schemaVersion,
    String task,
    int version,
    @JsonProperty("model-path") String modelPath,
    @JsonProperty("model-sha256") String modelSha256,
    ModelKind kind,
    @JsonProperty("class-names") List<String> classNames,
    @JsonProperty("published-at") Instant publishedAt,
    @JsonProperty("request-id") String requestId) {

  /** The only layout this build reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  public ModelPublished {
    if (schemaVersion != SCHEMA_VERSION) {
      throw Checks.invalid(
          "schemaVersion", "must be " + SCHEMA_VERSION + ", got " + schemaVersion);
    }
    ModelManifest.checkTask(task);
    Checks.atLeast("version", version, 1);
    String expected = Checks.modelPath(task, version);
    if (!expected.equals(modelPath)) {
      throw Checks.invalid("modelPath", "must be \"" + expected + "\" (<task>/<version>), got "
          + Checks.quoted(modelPath));
    }
    Checks.sha256("modelSha256", modelSha256);
    Checks.nonNull("kind", kind);
    classNames = List.copyOf(Checks.nonNull("classNames", classNames));
    ModelManifest.checkClasses(kind, classNames);
    Checks.nonNull("publishedAt", publishedAt);
    if (requestId != null) {
      TrainingRequest.checkRequestId(requestId);
    }
  }

  /** An announcement in the current {@link #SCHEMA_VERSION}. */
  public ModelPublished(
      String task,
      int version,
      String modelPath,
      String modelSha256,
      ModelKind kind,
      List<String> classNames,
      Instant publishedAt,
      String requestId) {
    this(SCHEMA_VERSION, task, version, modelPath, modelSha256, kind, classNames, publishedAt,
        requestId);
  }

  /** The announcement of the version {@code manifest} describes. */
  public static ModelPublished of(ModelManifest manifest, Instant publishedAt, String requestId) {
    Checks.nonNull("manifest", manifest);
    return new ModelPublished(manifest.task(), manifest.version(),
        Checks.modelPath(manifest.task(), manifest.version()), manifest.modelSha256(),
        manifest.kind(), manifest.classNames(), publishedAt, requestId);
  }
}
