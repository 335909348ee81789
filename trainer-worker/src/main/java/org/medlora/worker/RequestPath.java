package org.medlora.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The request fields that name files on the worker, each confined to a root folder that the
 * worker's operator configures. A relative path resolves under the root; an absolute one must lie
 * inside it. Containment is decided on real paths (every symbolic link resolved), and a path
 * outside is refused with one message whether it exists or not, so requests cannot probe the
 * worker's file system.
 */
enum RequestPath {
  DATASET("dataset.location", "data set root", "MEDLORA_WORKER_DATASET_ROOT"),
  CHECKPOINT("checkpoint", "checkpoint root", "MEDLORA_WORKER_CHECKPOINT_ROOT");

  private static final Logger LOG = Logger.getLogger(RequestPath.class);

  private final String field;
  private final String root;
  private final String variable;

  RequestPath(String field, String root, String variable) {
    this.field = field;
    this.root = root;
    this.variable = variable;
  }

  /** A request's path that the worker may not read, or that is not there; says what to do. */
  static final class RefusedException extends Exception {
    private final String hint;

    RefusedException(String reason, String hint) {
      super(reason);
      this.hint = hint;
    }

    String hint() {
      return hint;
    }
  }

  /** The real path of {@code location} under {@code rootFolder}, or the reason it may not be read. */
  Path resolve(Path rootFolder, String location) throws RefusedException {
    Path realRoot;
    try {
      realRoot = rootFolder.toRealPath();
    } catch (IOException e) {
      LOG.warnf("the worker's %s %s cannot be read (%s): every request is refused", root,
          rootFolder.toAbsolutePath(), e);
      throw new RefusedException("the worker's " + root + " does not exist",
          "ask the worker's operator to create it or to set " + variable);
    }
    Path candidate;
    try {
      candidate = realRoot.resolve(location).normalize();
    } catch (InvalidPathException e) {
      throw outside();
    }
    // The deepest part that exists (a link counts, dangling or not), then where it really is.
    Path existing = candidate;
    while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (IOException e) {
      throw outside(); // a dangling or unreadable link: where it points is not for the request to learn
    }
    if (!real.startsWith(realRoot)) {
      throw outside();
    }
    if (!existing.equals(candidate)) {
      throw new RefusedException("'" + field + "' " + location + " does not exist under the worker's " + root,
          "check the name, and that it has been copied or mounted under the worker's " + root);
    }
    return real;
  }

  /** One message for every path outside, existing or not. */
  private RefusedException outside() {
    return new RefusedException("'" + field + "' is not under the worker's " + root,
        "name it relative to the " + root + " that the worker's operator configured (" + variable
            + "); paths outside it, also through '..' or symbolic links, are refused");
  }
}
