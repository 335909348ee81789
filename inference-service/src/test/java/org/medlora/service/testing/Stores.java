package org.medlora.service.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.ModelManifest;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/** Publishing into a test's store the way the trainer does: {@link ModelStore#publish}. */
public final class Stores {

  private Stores() {}

  /**
   * Publishes the template model of {@code modelTask} as the next version of {@code task},
   * described by the template manifest of {@code manifestTask}. With both the same, a new
   * version of a real model; with different ones, a version whose ONNX file does not match its
   * manifest.
   */
  public static PublishedModel publish(Path storeRoot, String task, String modelTask,
      String manifestTask) throws IOException {
    byte[] model = Files.readAllBytes(templateModel(modelTask));
    ModelManifest manifest = ManifestCodec.fromJson(Files.readString(
        ModelStoreResource.templateStore().resolve(manifestTask + "/1/manifest.json")));
    return new ModelStore(storeRoot).publish(task, model, manifest.draft());
  }

  /**
   * Overwrites the model of version {@code version} of {@code task} with the task's test model
   * with one byte flipped, so that it no longer matches the SHA-256 in its manifest.
   */
  public static void corruptModel(Path storeRoot, String task, int version) throws IOException {
    byte[] model = Files.readAllBytes(templateModel(task));
    model[model.length / 2] ^= 0x01;
    Files.write(storeRoot.resolve(task + "/" + version + "/model.onnx"), model);
  }

  /** The exported test model of {@code task}. */
  public static Path templateModel(String task) {
    return ModelStoreResource.templateStore().resolve(task + "/1/model.onnx");
  }
}
