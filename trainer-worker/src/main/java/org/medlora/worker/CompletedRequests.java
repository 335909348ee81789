package org.medlora.worker;

import java.io.IOException;
import java.util.Optional;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * Which requests already produced a model. The store is the record: every trained manifest
 * carries its request id in its provenance, so no other database can drift from it.
 */
final class CompletedRequests {

  static final String REQUEST_ID = "request-id";

  private CompletedRequests() {}

  /** The published version that {@code requestId} produced for {@code task}, if any. */
  static Optional<PublishedModel> find(ModelStore store, String task, String requestId) throws IOException {
    if (!store.tasks().contains(task)) {
      return Optional.empty();
    }
    for (int version : store.versions(task)) {
      PublishedModel model = store.open(task, version);
      if (requestId.equals(model.manifest().training().get(REQUEST_ID))) {
        return Optional.of(model);
      }
    }
    return Optional.empty();
  }
}
