package org.medlora.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in this repository, found from the {@code medlora.home} that Surefire sets. */
final class Repository {

  private Repository() {}

  static Path root() {
    Path root = Path.of(System.getProperty("medlora.home", "..")).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("helm/medlora"))) {
      throw new IllegalStateException(
          "no helm/medlora under " + root + "; run the tests from Maven, which sets medlora.home");
    }
    return root;
  }

  static Path chart() {
    return root().resolve("helm/medlora");
  }
}
