package org.medlora.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the project's Java applications, run on the JVM that runs this one. */
public final class Jvm {

  private Jvm() {}

  /**
   * {@code java [MEDLORA_JAVA_OPTS] options... -jar jar}: the user's options first, so the ones
   * given here (store, ports) win.
   */
  public static List<String> jar(Path jar, List<String> options) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String javaOpts = System.getenv("MEDLORA_JAVA_OPTS");
    if (javaOpts != null && !javaOpts.isBlank()) {
      command.addAll(List.of(javaOpts.trim().split("\\s+")));
    }
    command.addAll(options);
    command.add("-jar");
    command.add(jar.toString());
    return command;
  }
}
