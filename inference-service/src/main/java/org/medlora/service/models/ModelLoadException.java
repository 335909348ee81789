package org.medlora.service.models;

/**
 * A published version that the service refuses to serve: ONNX Runtime cannot open it, it fails
 * the store's checks, or the model does not match its manifest. The message says which, and what
 * to do; the version serving before keeps serving.
 */
public final class ModelLoadException extends Exception {

  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
