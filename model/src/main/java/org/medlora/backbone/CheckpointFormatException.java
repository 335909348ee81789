package org.medlora.backbone;

import java.io.IOException;

/**
 * A well-formed safetensors file that is not a usable DINOv2 backbone checkpoint. The message
 * names the file, what was found, what was expected and what to do about it.
 */
public final class CheckpointFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointFormatException(String message) {
    super(message);
  }

  public CheckpointFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
