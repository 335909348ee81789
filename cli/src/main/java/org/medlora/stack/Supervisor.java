package org.medlora.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one part of the stack as a child process and keeps it running: output appended to its log
 * file, readiness probed until it answers, and a process that dies is started again after a
 * backoff (1 s, doubling up to 30 s; back to 1 s once a run lasted a minute), saying so.
 * {@link #stop} ends it with SIGTERM, then SIGKILL after a grace period.
 */
final class Supervisor {

  /** Whether a running part serves yet; asked every 250 ms until it does. */
  @FunctionalInterface
  interface Readiness {
    /**
     * @param logStart the log's size when this run started: a readiness line before it is an
     *     earlier run's
     */
    boolean ready(long logStart) throws IOException, InterruptedException;
  }

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /** A run this long was healthy: the next failure is a new incident, not a crash loop. */
  static final Duration HEALTHY_RUN = Duration.ofMinutes(1);
  /** Ctrl-C reaches the children too (one process group): give the stop a moment to begin. */
  private static final long EXIT_GRACE_MILLIS = 500;

  private final Part part;
  private final ProcessBuilder builder;
  private final Path log;
  private final Readiness readiness;
  private final PrintStream out;
  private final CountDownLatch firstReady = new CountDownLatch(1);
  private final Thread thread;
  private volatile Process process;
  private volatile boolean stopping;
  private volatile int restarts;

  Supervisor(Part part, ProcessBuilder builder, Path log, Readiness readiness, PrintStream out) {
    this.part = part;
    this.builder = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    this.log = log;
    this.readiness = readiness;
    this.out = out;
    this.thread = new Thread(this::supervise, "medlora-up-" + part.label());
    this.thread.setDaemon(true);
  }

  Part part() {
    return part;
  }

  Path log() {
    return log;
  }

  void start() {
    thread.start();
  }

  /** True once the first run answered its readiness probe within {@code timeout}. */
  boolean awaitReady(Duration timeout) throws InterruptedException {
    return firstReady.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The running process, if any. */
  Optional<ProcessHandle> process() {
    Process p = process;
    return p != null && p.isAlive() ? Optional.of(p.toHandle()) : Optional.empty();
  }

  /** How often the part has been started again after dying. */
  int restarts() {
    return restarts;
  }

  private void supervise() {
    Duration backoff = FIRST_BACKOFF;
    while (!stopping) {
      long started = System.nanoTime();
      int code;
      try {
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process p = builder.start();
        process = p;
        if (stopping) { // stop() ran between the check and the start: it missed this process
          p.destroy();
        }
        awaitReadiness(p, logStart);
        code = p.waitFor();
      } catch (IOException e) {
        out.printf("medlora up: cannot start the %s: %s%n", part.title(), e.getMessage());
        code = -1;
      } catch (InterruptedException e) {
        return;
      }
      Duration ran = Duration.ofNanos(System.nanoTime() - started);
      try {
        Thread.sleep(EXIT_GRACE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      if (stopping) {
        return;
      }
      if (ran.compareTo(HEALTHY_RUN) >= 0) {
        backoff = FIRST_BACKOFF;
      }
      out.printf("medlora up: the %s exited with code %d after %d s; restarting it in %d s (log: %s)%n",
          part.title(), code, ran.toSeconds(), backoff.toSeconds(), log);
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      if (!stopping) {
        restarts++;
      }
    }
  }

  /** Probes until the process is ready or gone; says so after a restart. */
  private void awaitReadiness(Process p, long logStart) throws InterruptedException {
    while (p.isAlive() && !stopping) {
      boolean ready;
      try {
        ready = readiness.ready(logStart);
      } catch (IOException e) {
        ready = false; // not listening yet
      }
      if (ready) {
        if (firstReady.getCount() == 0) {
          out.printf("medlora up: the %s is ready again (restart %d)%n", part.title(), restarts);
        }
        firstReady.countDown();
        return;
      }
      Thread.sleep(250);
    }
  }

  /** Stops the part: SIGTERM, then SIGKILL after {@code grace}. No restart follows. */
  void stop(Duration grace) {
    stopping = true;
    thread.interrupt();
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        out.printf("medlora up: the %s did not stop within %d s; killing it%n", part.title(), grace.toSeconds());
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
