package org.medlora.service.models;

/**
 * The task exists but no version of it can serve yet (still loading at start-up, say): HTTP 503
 * with Retry-After. A transient state, unlike {@link UnknownModelException}.
 */
public final class ModelNotReadyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelNotReadyException(String message) {
    super(message);
  }
}
