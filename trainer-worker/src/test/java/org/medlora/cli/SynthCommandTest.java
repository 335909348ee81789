package org.medlora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ModelKind;
import org.medlora.data.Dataset;
import org.medlora.data.DatasetReader;
import picocli.CommandLine;

/** {@code bin/medlora synth} end to end: what it writes is what the reader reads. */
class SynthCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Medlora.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void writesABusiDataSetAndSaysHowToTrainOnIt() throws Exception {
    Path target = dir.resolve("busi");
    int code = run("synth", "--kind", "breast-ultrasound", "--count", "12", "--seed", "3", "--size", "48",
        "--calipers", "--out", target.toString());
    assertEquals(0, code, err.toString());
    String printed = out.toString();
    assertTrue(printed.startsWith("wrote 12 synthetic breast-ultrasound images to " + target), printed);
    assertTrue(printed.matches("(?s).*\\n  benign +7\\n  malignant +3\\n  normal +2\\n.*"), printed);
    assertTrue(printed.endsWith("for a training request: dataset root " + target + ", layout busi\n"), printed);

    Dataset data = DatasetReader.read(target, DatasetLayout.BUSI, ModelKind.SEGMENTATION);
    assertEquals(12, data.samples().size());
    assertTrue(data.problems().isEmpty(), data.problems().toString());
  }

  @Test
  void anUnknownKindListsTheValidOnes() {
    int code = run("synth", "--kind", "mri", "--out", dir.toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("valid kinds: lung-xray, pneumonia-xray, breast-ultrasound"), err.toString());
  }

  @Test
  void aFolderThatIsNotEmptyIsRefusedInOneLine() throws Exception {
    Files.writeString(dir.resolve("results.csv"), "precious");
    int code = run("synth", "--kind", "lung-xray", "--count", "2", "--size", "32", "--out", dir.toString());
    assertEquals(1, code);
    assertEquals("medlora: " + dir + " is not empty; choose a new folder or delete it first\n", err.toString());
    assertEquals("precious", Files.readString(dir.resolve("results.csv")));
  }
}
