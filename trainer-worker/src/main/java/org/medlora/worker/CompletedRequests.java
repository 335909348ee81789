package org.medlora.worker;

import java.io.IOException;
import java.util.Optional;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.TrainingRequest;
import org.medlora.store.ModelStore;

/**
 * Which requests already produced a model. The store is the record: every trained manifest
 * carries the request it was trained for, so no other database can drift from it.
 */
final class CompletedRequests {

  private CompletedRequests() {}

  /**
   * The manifest of the version that {@code requestId} produced for {@code task}, if any. Reads
   * manifests only (no model is hashed), so a look-up stays cheap however large the models are.
   */
  static Optional<ModelManifest> find(ModelStore store, String task, String requestId) throws IOException {
    if (!store.tasks().contains(task)) {
      return Optional.empty();
    }
    for (int version : store.versions(task)) {
      ModelManifest manifest = store.manifest(task, version);
      TrainingRequest training = manifest.training();
      if (training != null && requestId.equals(training.requestId())) {
        return Optional.of(manifest);
      }
    }
    return Optional.empty();
  }
}
