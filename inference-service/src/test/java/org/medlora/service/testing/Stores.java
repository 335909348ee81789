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
    Path template = ModelStoreResource.templateStore();
    byte[] model = Files.readAllBytes(template.resolve(modelTask + "/1/model.onnx"));
    ModelManifest manifest = ManifestCodec.fromJson(
        Files.readString(template.resolve(manifestTask + "/1/manifest.json")));
    return new ModelStore(storeRoot).publish(task, model, manifest.draft());
  }
}
