package org.medlora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The top-level command: its version, its help, and the serve subcommand's checks. */
class MedloraCommandTest {

  @TempDir Path dir;

  private final CliRunner cli = new CliRunner();

  @Test
  void versionNamesTheProjectVersionAndTheCommitItWasBuiltFrom() throws Exception {
    assertEquals(0, cli.run("--version"), cli.err());
    String head = git("rev-parse", "--short=10", "HEAD");
    String printed = cli.out().strip();
    assertTrue(printed.startsWith("medlora " + System.getProperty("project.version") + " (commit " + head), printed);
  }

  @Test
  void helpListsEveryCommand() {
    assertEquals(0, cli.run("--help"), cli.err());
    for (String command : List.of("demo", "synth", "train", "features", "export", "predict", "serve", "up", "submit",
        "cancel", "sweep", "report", "bench")) {
      assertTrue(cli.out().contains("\n  " + command + " "), command + " missing from\n" + cli.out());
    }
  }

  @Test
  void serveRefusesAStoreThatIsNotAFolder() {
    Path missing = dir.resolve("no-store");
    assertEquals(1, cli.run("serve", "--store", missing.toString()));
    assertEquals("medlora: " + missing + " is not a directory; pass the model store that train or export wrote\n",
        cli.err());
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
