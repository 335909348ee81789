package org.medlora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ModelKind;
import org.medlora.data.Dataset;
import org.medlora.data.DatasetReader;

/** {@code bin/medlora synth} end to end: what it writes is what the reader reads. */
class SynthCommandTest {

  @TempDir Path dir;

  private final CliRunner cli = new CliRunner();

  @Test
  void writesABusiDataSetAndSaysHowToTrainOnIt() throws Exception {
    Path target = dir.resolve("busi");
    int code = cli.run("synth", "--kind", "breast-ultrasound", "--count", "12", "--seed", "3", "--size", "48",
        "--calipers", "--out", target.toString());
    assertEquals(0, code, cli.err());
    String printed = cli.out();
    assertTrue(printed.startsWith("wrote 12 synthetic breast-ultrasound images to " + target), printed);
    assertTrue(printed.matches("(?s).*\\n  benign +7\\n  malignant +3\\n  normal +2\\n.*"), printed);
    assertTrue(printed.endsWith("for a training request: dataset root " + target + ", layout busi\n"), printed);

    Dataset data = DatasetReader.read(target, DatasetLayout.BUSI, ModelKind.SEGMENTATION);
    assertEquals(12, data.samples().size());
    assertTrue(data.problems().isEmpty(), data.problems().toString());
  }

  @Test
  void anUnknownKindListsTheValidOnes() {
    int code = cli.run("synth", "--kind", "mri", "--out", dir.toString());
    assertEquals(2, code);
    assertTrue(cli.err().contains("valid kinds: lung-xray, lung-xray-montgomery, pneumonia-xray, breast-ultrasound"),
        cli.err());
  }

  @Test
  void aFolderThatIsNotEmptyIsRefusedInOneLine() throws Exception {
    Files.writeString(dir.resolve("results.csv"), "precious");
    int code = cli.run("synth", "--kind", "lung-xray", "--count", "2", "--size", "32", "--out", dir.toString());
    assertEquals(1, code);
    assertEquals("medlora: " + dir + " is not empty; choose a new folder or delete it first\n", cli.err());
    assertEquals("precious", Files.readString(dir.resolve("results.csv")));
  }
}
