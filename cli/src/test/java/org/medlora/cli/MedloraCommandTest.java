package org.medlora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The top-level command: its version, its help, and the serve subcommand's checks. */
class MedloraCommandTest {

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
  void versionNamesTheProjectVersionAndTheCommitItWasBuiltFrom() throws Exception {
    assertEquals(0, run("--version"), err.toString());
    String head = git("rev-parse", "--short=10", "HEAD");
    String printed = out.toString().strip();
    assertTrue(printed.startsWith("medlora " + System.getProperty("project.version") + " (commit " + head), printed);
  }

  @Test
  void helpListsEveryCommand() {
    assertEquals(0, run("--help"), err.toString());
    for (String command : List.of("demo", "synth", "train", "features", "export", "predict", "serve", "bench")) {
      assertTrue(out.toString().contains("\n  " + command + " "), command + " missing from\n" + out);
    }
  }

  @Test
  void serveRefusesAStoreThatIsNotAFolder() {
    Path missing = dir.resolve("no-store");
    assertEquals(1, run("serve", "--store", missing.toString()));
    assertEquals("medlora: " + missing + " is not a directory; pass the model store that train or export wrote\n",
        err.toString());
  }

  private static String git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), output);
    return output;
  }
}
