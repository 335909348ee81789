package org.medlora.service.models;

/**
 * A version that fails its checks (a damaged manifest or model, or not the model its manifest
 * describes), asked for by number: HTTP 404, with the reason. Permanent, since versions are
 * immutable, unlike {@link ModelNotReadyException}.
 */
public final class ModelRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelRefusedException(String message) {
    super(message);
  }
}
