package org.medlora.safetensors;

import java.io.IOException;

/**
 * A safetensors file that breaks the format, or a tensor read as something it is not. The message
 * names the file, says what was found and what was expected.
 */
public final class SafetensorsFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public SafetensorsFormatException(String message) {
    super(message);
  }

  public SafetensorsFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
