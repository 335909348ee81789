package org.medlora.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bin/medlora} command line: one subcommand per job. */
@Command(
    name = "medlora",
    mixinStandardHelpOptions = true,
    versionProvider = Medlora.Version.class,
    description = "Adapt DINOv2 to medical imaging tasks with LoRA, export verified ONNX, serve it.",
    subcommands = {
      DemoCommand.class, SynthCommand.class, TrainCommand.class, FeaturesCommand.class,
      ExportCommand.class, PredictCommand.class, ServeCommand.class, UpCommand.class, SubmitCommand.class, CancelCommand.class,
      SweepCommand.class, ReportCommand.class, BenchCommand.class
    })
public final class Medlora {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The medlora checkout bin/medlora runs from, where the applications' jars are built. */
  static Path home() {
    return Path.of(System.getProperty("medlora.home", "."));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Medlora())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              // Users get the message, which says what to do; the stack trace only on request.
              cmd.getErr().println("medlora: " + e.getMessage());
              if (Boolean.getBoolean("medlora.debug")) {
                e.printStackTrace(cmd.getErr());
              }
              return 1;
            });
  }

  /** The version and commit recorded at build time ({@code medlora-version.properties}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Medlora.class.getResourceAsStream("/medlora-version.properties")) {
        if (in == null) {
          throw new IOException("medlora-version.properties is missing from the jar: rebuild with ./mvnw");
        }
        p.load(in);
      }
      String commit = p.getProperty("commit", "");
      // Unfiltered placeholders mean the build ran outside a git checkout, so no commit is known.
      String built = commit.isEmpty() || commit.startsWith("${")
          ? "built outside a git checkout"
          : "commit " + commit + ("true".equals(p.getProperty("dirty")) ? " with uncommitted changes" : "");
      return new String[] {"medlora " + p.getProperty("version") + " (" + built + ")"};
    }
  }
}
