package org.medlora.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A published version whose files do not check out: a missing or unreadable file, a manifest that
 * does not parse or names another task or version, or a model whose SHA-256 differs from the
 * manifest's. The message names the file, what was expected, what was found and what to do.
 */
public final class CorruptModelException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Versions are never repaired in place: a server may have loaded the old bytes. */
  static final String REPUBLISH =
      "republish the model to get a new version; versions are immutable, so remove this "
          + "version directory rather than repairing it";

  private final transient Path file;

  CorruptModelException(Path file, String expected, String found) {
    this(file, expected, found, null);
  }

  CorruptModelException(Path file, String expected, String found, Throwable cause) {
    super(file + ": expected " + expected + ", found " + found + "; " + REPUBLISH, cause);
    this.file = Objects.requireNonNull(file, "file");
  }

  /** The file that failed the check. */
  public Path file() {
    return file;
  }
}
