package org.medlora.service.models;

/** No such task, no such version of it, or not a model of the kind the endpoint serves: HTTP 404. */
public final class UnknownModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UnknownModelException(String message) {
    super(message);
  }
}
