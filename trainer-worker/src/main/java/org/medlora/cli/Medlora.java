package org.medlora.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bin/medlora} command line: one subcommand per job. */
@Command(
    name = "medlora",
    mixinStandardHelpOptions = true,
    versionProvider = Medlora.Version.class,
    description = "Adapt DINOv2 to medical imaging tasks with LoRA, export verified ONNX, serve it.",
    subcommands = {
      SynthCommand.class, TrainCommand.class, FeaturesCommand.class, ExportCommand.class, PredictCommand.class,
      BenchCommand.class
    })
public final class Medlora {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
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

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Medlora.class.getPackage().getImplementationVersion();
      return new String[] {"medlora " + (v == null ? "development build" : v)};
    }
  }
}
