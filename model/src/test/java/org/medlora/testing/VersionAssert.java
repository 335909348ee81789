package org.medlora.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.medlora.testing.TensorAssert.assertClose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.medlora.contracts.ArtifactInfo;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.export.OrtModel;
import org.medlora.store.PublishedModel;

/** Checks on published versions: their kept files, and what their models compute. */
public final class VersionAssert {

  private VersionAssert() {}

  /**
   * Runs both versions' {@code model.onnx} in ONNX Runtime on the same two random images (at
   * {@code expected}'s input size) and asserts that every float output agrees within {@code atol}.
   */
  public static void assertSameOutputs(PublishedModel expected, PublishedModel actual, double atol) {
    PreprocessingSpec pre = expected.manifest().preprocessing();
    long[] shape = {2, 3, pre.height(), pre.width()};
    float[] pixels = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
    Random random = new Random(5);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    Map<String, OrtModel.Tensor> want = run(expected, pixels, shape);
    Map<String, OrtModel.Tensor> got = run(actual, pixels, shape);
    assertEquals(want.keySet(), got.keySet(), "output names");
    want.forEach((name, t) -> {
      if (t.floats() != null) {
        assertClose(t.floats(), got.get(name).floats(), atol, name);
      }
    });
  }

  private static Map<String, OrtModel.Tensor> run(PublishedModel version, float[] pixels, long[] shape) {
    try (OrtModel ort = OrtModel.load(Files.readAllBytes(version.modelFile()))) {
      return ort.run(pixels, shape);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that the manifest lists exactly {@code paths}, in this order, each with the SHA-256
   * and size of its file in the version directory, computed here independently of the store.
   */
  public static void assertKeeps(PublishedModel version, String... paths) {
    assertEquals(List.of(paths),
        version.manifest().artifacts().stream().map(ArtifactInfo::path).toList(), "kept artifacts");
    for (ArtifactInfo a : version.manifest().artifacts()) {
      try {
        byte[] bytes = Files.readAllBytes(version.directory().resolve(a.path()));
        assertEquals(new ArtifactInfo(a.path(), sha256(bytes), bytes.length), a, a.path());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Flips one bit in the middle of {@code file}, as a disk error or a careless edit would. */
  public static void flipOneBit(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 1;
    Files.write(file, b);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
