package org.medlora.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Supervision of real child processes (POSIX sh), without the stack's applications. */
class SupervisorTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String said() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPartThatKeepsDyingIsRestartedWithADoublingBackoffAndSaysSo() throws Exception {
    Path log = dir.resolve("worker.log");
    Supervisor s = new Supervisor(Part.WORKER, new ProcessBuilder("sh", "-c", "echo run; exit 3"), log,
        logStart -> false, out);
    s.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!said().contains("restarting it in 2 s") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    s.stop(Duration.ofSeconds(5));
    assertTrue(Pattern.compile("medlora up: the trainer worker exited with code 3 after \\d+ s; restarting it in 1 s \\(log: "
        + Pattern.quote(log.toString()) + "\\)\n").matcher(said()).find(), said());
    assertTrue(said().contains("restarting it in 2 s"), said());
    assertTrue(s.restarts() >= 1, "started again");
    assertTrue(Files.readString(log).startsWith("run\nrun\n"), "every run's output appended to its log");
  }

  @Test
  void aReadyPartIsStoppedWithoutARestart() throws Exception {
    Supervisor s = new Supervisor(Part.SERVICE, new ProcessBuilder("sleep", "60"), dir.resolve("service.log"),
        logStart -> true, out);
    s.start();
    assertTrue(s.awaitReady(Duration.ofSeconds(10)));
    ProcessHandle process = s.process().orElseThrow();
    s.stop(Duration.ofSeconds(5));
    assertFalse(process.isAlive(), "SIGTERM ended it");
    Thread.sleep(1500); // longer than the grace before a restart
    assertFalse(said().contains("restarting"), said());
  }
}
