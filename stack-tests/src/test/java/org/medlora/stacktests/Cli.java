package org.medlora.stacktests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The built command line ({@code cli/target/medlora.jar}) run as a process, as bin/medlora runs it. */
final class Cli {

  /** What a finished command printed (stdout and stderr together) and its exit status. */
  record Result(int exitCode, String output) {}

  private Cli() {}

  static Path home() {
    return Path.of(System.getProperty("medlora.home")).toAbsolutePath().normalize();
  }

  static List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dmedlora.home=" + home(),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-jar", home().resolve("cli/target/medlora.jar").toString()));
    command.addAll(List.of(args));
    return command;
  }

  static Process start(String... args) throws Exception {
    return new ProcessBuilder(command(args)).redirectErrorStream(true).start();
  }

  static Result run(String... args) throws Exception {
    Process p = start(args);
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("medlora " + String.join(" ", args) + " did not end; output:\n" + output);
    }
    return new Result(p.exitValue(), output);
  }
}
