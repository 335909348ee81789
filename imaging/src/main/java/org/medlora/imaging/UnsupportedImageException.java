package org.medlora.imaging;

import java.util.Objects;

/**
 * An input that {@link ImageDecoder} refuses. The {@link Reason} lets a caller map the failure
 * without parsing the message (for HTTP: 415, 400 and 413); the message says what was seen, what
 * is accepted and which limit applied.
 */
public final class UnsupportedImageException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why an input was refused. */
  public enum Reason {
    /** Not a PNG, JPEG or DICOM image, or an encoding of one that is not supported. */
    UNSUPPORTED_FORMAT,
    /** Looks like a supported format but is empty, truncated or damaged. */
    CORRUPT,
    /** Larger than the {@link ImageLimits} in bytes or pixels. */
    TOO_LARGE
  }

  private final Reason reason;

  public UnsupportedImageException(Reason reason, String message) {
    this(reason, message, null);
  }

  public UnsupportedImageException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the input was refused. */
  public Reason reason() {
    return reason;
  }
}
