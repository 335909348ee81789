package org.medlora.worker;

import java.io.IOException;
import java.util.Optional;
import org.medlora.contracts.TrainingRequest;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * Which requests already produced a model. The store is the record: every trained manifest
 * carries the request it was trained for, so no other database can drift from it.
 */
final class CompletedRequests {

  private CompletedRequests() {}

  /** The published version that {@code requestId} produced for {@code task}, if any. */
  static Optional<PublishedModel> find(ModelStore store, String task, String requestId) throws IOException {
    if (!store.tasks().contains(task)) {
      return Optional.empty();
    }
    for (int version : store.versions(task)) {
      PublishedModel model = store.open(task, version);
      TrainingRequest training = model.manifest().training();
      if (training != null && requestId.equals(training.requestId())) {
        return Optional.of(model);
      }
    }
    return Optional.empty();
  }
}
