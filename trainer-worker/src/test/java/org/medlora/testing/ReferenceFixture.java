package org.medlora.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
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

  private static Path locate() {
    try {
      return Path.of(ReferenceFixture.class.getResource("/dinov2-reference/fixture_a/manifest.json").toURI())
          .getParent();
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("fixture A is missing from the test resources", e);
    }
  }
}
