package org.medlora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.testing.ReferenceFixture.TOKEN_TOLERANCE;
import static org.medlora.testing.ReferenceFixture.output;
import static org.medlora.testing.TensorAssert.assertClose;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.testing.FixtureLora;
import org.medlora.testing.ReferenceFixture;

/** {@code bin/medlora features} end to end on fixture A. */
class FeaturesCommandTest {

  @TempDir Path dir;

  private final CliRunner cli = new CliRunner();

  @Test
  void writesReferenceTokensForATensorInput() throws Exception {
    Path out = dir.resolve("features.safetensors");
    int code =
        cli.run("features", "--checkpoint", ReferenceFixture.file("weights_hf.safetensors").toString(),
            "--tensors", ReferenceFixture.file("inputs.safetensors").toString(), "--out", out.toString());
    assertEquals(0, code, cli.err());
    SafetensorsFile file = SafetensorsFile.read(out);
    assertClose(output("x_norm_clstoken").data(), file.floats("x_norm_clstoken"), TOKEN_TOLERANCE, "cls");
    assertClose(output("x_norm_patchtokens").data(), file.floats("x_norm_patchtokens"), TOKEN_TOLERANCE, "patches");
    assertEquals(false, file.contains("x_norm_regtokens"), "no registers in this model");
  }

  @Test
  void preprocessesAnImageAndAppliesAPeftAdapter() throws Exception {
    Path adapter = dir.resolve("adapter");
    FixtureLora.adapter().write(adapter);
    Path plain = dir.resolve("plain.safetensors");
    Path adapted = dir.resolve("adapted.safetensors");
    String ckpt = ReferenceFixture.file("weights_meta.safetensors").toString();
    String image = ReferenceFixture.file("image.png").toString();
    assertEquals(0, cli.run("features", "--checkpoint", ckpt, "--image", image, "--out", plain.toString()), cli.err());
    assertEquals(0, cli.run("features", "--checkpoint", ckpt, "--image", image, "--size", "224x224",
        "--adapter", adapter.toString(), "--out", adapted.toString()), cli.err());

    float[] withoutLora = SafetensorsFile.read(plain).floats("x_norm_clstoken");
    assertClose(output("png.x_norm_clstoken").data(), withoutLora, TOKEN_TOLERANCE, "png cls");
    float[] withLora = SafetensorsFile.read(adapted).floats("x_norm_clstoken");
    double change = 0;
    for (int i = 0; i < withLora.length; i++) {
      change = Math.max(change, Math.abs(withLora[i] - withoutLora[i]));
    }
    assertTrue(change > 1e-2, "the adapter changes the features (max change " + change + ")");
  }

  @Test
  void aMissingCheckpointIsOneLineNotAStackTrace() {
    int code =
        cli.run("features", "--checkpoint", dir.resolve("nope.safetensors").toString(),
            "--tensors", ReferenceFixture.file("inputs.safetensors").toString(), "--out", dir.resolve("o").toString());
    assertEquals(1, code);
    assertTrue(cli.err().startsWith("medlora: "), cli.err());
    assertTrue(cli.err().contains("nope.safetensors"), cli.err());
    assertTrue(!cli.err().contains("\tat "), "no stack trace: " + cli.err());
  }

  @Test
  void rejectsASizeThatIsNotAMultipleOfThePatch() throws Exception {
    int code =
        cli.run("features", "--checkpoint", ReferenceFixture.file("weights_meta.safetensors").toString(),
            "--image", ReferenceFixture.file("image.png").toString(), "--size", "225x224",
            "--out", dir.resolve("o").toString());
    assertEquals(1, code);
    assertTrue(cli.err().contains("multiple of the patch size 14"), cli.err());
    assertTrue(Files.notExists(dir.resolve("o")));
  }
}
