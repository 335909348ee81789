package org.medlora.store;

import java.nio.file.Path;
import org.medlora.contracts.ModelManifest;

/**
 * One verified version of a task's model in a {@link ModelStore}.
 *
 * @param task the task, as in the manifest and the directory name
 * @param version the version, as in the manifest and the directory name
 * @param directory {@code <store>/<task>/<version>}
 * @param modelFile {@code model.onnx} in {@code directory}, whose SHA-256 matched the manifest
 * @param manifest the parsed {@code manifest.json}
 */
public record PublishedModel(
    String task, int version, Path directory, Path modelFile, ModelManifest manifest) {

  public PublishedModel {
    if (directory == null || modelFile == null || manifest == null) {
      throw new IllegalArgumentException(
          "directory, modelFile and manifest must not be null, got " + directory + ", "
              + modelFile + ", " + manifest);
    }
    if (!manifest.task().equals(task) || manifest.version() != version) {
      throw new IllegalArgumentException(
          "task and version must match the manifest's " + manifest.task() + " v"
              + manifest.version() + ", got " + task + " v" + version);
    }
  }
}
