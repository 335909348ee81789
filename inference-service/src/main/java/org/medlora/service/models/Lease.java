package org.medlora.service.models;

/**
 * A request's hold on one model version: the version's session stays open until every lease on
 * it is closed, even if a newer version replaced it meanwhile. Close exactly once, in
 * try-with-resources.
 */
public final class Lease implements AutoCloseable {

  private final LoadedModel model;
  private boolean closed;

  Lease(LoadedModel model) {
    this.model = model;
  }

  public LoadedModel model() {
    return model;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      model.release();
    }
  }
}
