package org.medlora.contracts;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One file a published version keeps beside its {@code model.onnx}: a trained part it was built
 * from (the LoRA adapter, the head, the decoder, a fine-tuned backbone), so the version can be
 * re-exported or trained further. Recorded by the store, which digests the bytes it wrote.
 *
 * @param path where the file sits in the version's directory, relative, with {@code /} between
 *     folders, e.g. {@code adapter/adapter_model.safetensors}; see {@link #checkPath}
 * @param sha256 SHA-256 of the file, lowercase hex
 * @param bytes the file's size, at least 0
 */
public record ArtifactInfo(String path, String sha256, long bytes) {

  /**
   * Names of letters, digits, '.', '_' and '-' that do not start with a '.', joined by '/': no
   * absolute path, no {@code ..}, no hidden file, so a path never leaves its version directory
   * and means the same on every file system.
   */
  private static final Pattern PATH =
      Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,7}");

  public ArtifactInfo {
    checkPath(path);
    Checks.sha256("sha256", sha256);
    if (bytes < 0) {
      throw Checks.invalid("bytes", "must be >= 0, got " + bytes);
    }
  }

  /**
   * Returns {@code path} if it is a valid artifact path, else throws. Exposed because the path
   * names a file inside a version directory, which whoever writes or reads it must check first.
   *
   * @throws IllegalArgumentException naming the rule the path broke
   */
  public static String checkPath(String path) {
    if (path == null || !PATH.matcher(path).matches()) {
      throw Checks.invalid("path", "must be a relative path inside the version directory: "
          + "names of A-Z, a-z, 0-9, '.', '_' and '-' not starting with '.', joined by '/', "
          + "got " + Checks.quoted(path));
    }
    return path;
  }

  /**
   * Checks that the paths can all be files of one directory: each valid, each once, and none the
   * folder of another (it could not be both a file and a folder).
   *
   * @throws IllegalArgumentException naming the first path that breaks a rule
   */
  public static void checkPaths(Collection<String> paths) {
    Set<String> seen = new TreeSet<>(); // sorted, so the first clash reported is always the same
    for (String p : paths) {
      if (!seen.add(checkPath(p))) {
        throw Checks.invalid("artifacts", "must name each path once, \"" + p + "\" appears twice");
      }
    }
    for (String p : seen) {
      for (String q : seen) {
        if (q.startsWith(p + "/")) {
          throw Checks.invalid("artifacts", "must not hold both the file \"" + p
              + "\" and the file \"" + q + "\" inside it");
        }
      }
    }
  }
}
