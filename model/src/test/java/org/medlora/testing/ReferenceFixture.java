package org.medlora.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.medlora.safetensors.FloatTensor;
import org.medlora.safetensors.SafetensorsFile;

/**
 * Fixture A of the official DINOv2 reference outputs (test resources
 * {@code dinov2-reference/fixture_a}; its README says what every tensor is).
 */
public final class ReferenceFixture {

  /** Tight acceptance for tokens: about 2-4x the float32 noise the fixture README measured. */
  public static final double TOKEN_TOLERANCE = 2e-5;

  private static final Path DIR = locate();

  private ReferenceFixture() {}

  public static Path file(String name) {
    return DIR.resolve(name);
  }

  public static FloatTensor tensor(String file, String name) {
    try {
      return SafetensorsFile.read(file(file)).floatTensor(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(String file, String name) {
    try {
      return SafetensorsFile.read(file(file)).bytes(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static FloatTensor output(String name) {
    return tensor("outputs.safetensors", name);
  }

  public static FloatTensor input(String name) {
    return tensor("inputs.safetensors", name);
  }

  /**
   * The fixture's folder: in place when the test resources are a folder, else (modules that use
   * this module's test jar) copied out of the jar once, since readers and requests take paths.
   */
  private static Path locate() {
    URL manifest = ReferenceFixture.class.getResource("/dinov2-reference/fixture_a/manifest.json");
    if (manifest == null) {
      throw new IllegalStateException("fixture A is missing from the test resources");
    }
    try {
      URI uri = manifest.toURI();
      if (!uri.getScheme().equals("jar")) {
        return Path.of(uri).getParent();
      }
      try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
        Path from = jar.provider().getPath(uri).getParent();
        Path to = Files.createTempDirectory("medlora-fixture-a");
        try (Stream<Path> files = Files.list(from)) {
          for (Path f : files.toList()) {
            Path copy = to.resolve(f.getFileName().toString());
            Files.copy(f, copy);
            copy.toFile().deleteOnExit();
          }
        }
        to.toFile().deleteOnExit();
        return to;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy fixture A out of the test jar", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
