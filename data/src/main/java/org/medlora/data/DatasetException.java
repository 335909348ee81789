package org.medlora.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data set folder or file that cannot be used; the message names the path and the reason. */
public final class DatasetException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path path;
  private final String reason;

  public DatasetException(Path path, String reason) {
    this(path, reason, null);
  }

  public DatasetException(Path path, String reason, Throwable cause) {
    super(path + ": " + reason, cause);
    this.path = path;
    this.reason = reason;
  }

  /** The file or folder at fault. */
  public Path path() {
    return path;
  }

  /** What is wrong with it, without the path. */
  public String reason() {
    return reason;
  }
}
