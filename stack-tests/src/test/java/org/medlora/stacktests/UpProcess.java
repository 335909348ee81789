package org.medlora.stacktests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.medlora.kafkanode.KafkaNode;

/**
 * {@code bin/medlora up} as a user runs it: the built command line in a process of its own, which
 * starts the broker, the worker and the service as its children. Its output goes to a file that
 * the tests read, e.g. for the restart messages.
 */
final class UpProcess implements AutoCloseable {

  static final String READY = "medlora up: all parts are ready";

  final int port;
  final int kafkaPort;
  final Path output;
  private final Process process;

  private UpProcess(Process process, Path output, int port, int kafkaPort) {
    this.process = process;
    this.output = output;
    this.port = port;
    this.kafkaPort = kafkaPort;
  }

  /**
   * Starts {@code up} and returns once it says all parts are ready. {@code environment} reaches
   * its parts too, e.g. {@code MEDLORA_JAVA_OPTS} for the worker's and service's JVMs.
   */
  static UpProcess start(Path store, Path datasets, Path checkpoints, String apiKey, Duration timeout,
      Map<String, String> environment) throws IOException, InterruptedException {
    int port = KafkaNode.freePort();
    int workerPort = KafkaNode.freePort();
    int kafkaPort = KafkaNode.freePortPair(); // the controller takes the next port
    while (kafkaPort + 1 == port || kafkaPort + 1 == workerPort) {
      kafkaPort = KafkaNode.freePortPair();
    }
    Path output = store.resolveSibling("up-" + System.currentTimeMillis() + ".out"); // one per run
    List<String> command = Cli.command(
        "up", "--store", store.toString(), "--port", String.valueOf(port),
        "--kafka-port", String.valueOf(kafkaPort), "--worker-port", String.valueOf(workerPort),
        "--dataset-root", datasets.toString(), "--checkpoint-root", checkpoints.toString(),
        "--api-key", apiKey);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    builder.environment().putAll(environment);
    Process process = builder.start();
    UpProcess up = new UpProcess(process, output, port, kafkaPort);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!up.output().contains(READY)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        up.close();
        throw new AssertionError("up did not get ready (" + (process.isAlive() ? "timeout" : "exit "
            + process.exitValue()) + "); its output:\n" + up.output());
      }
      Thread.sleep(200);
    }
    return up;
  }

  String output() throws IOException {
    return Files.exists(output) ? Files.readString(output, UTF_8) : "";
  }

  String bootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** The running child whose command line names {@code marker}, e.g. the worker's jar. */
  ProcessHandle child(String marker) {
    return process.toHandle().children()
        .filter(p -> commandLine(p).contains(marker))
        .findFirst().orElseThrow(() -> new AssertionError("no child of up runs " + marker));
  }

  /**
   * The whole command line from /proc: ProcessHandle.Info keeps only a page of it, which the
   * broker's class path overruns, so its main class would be cut off.
   */
  private static String commandLine(ProcessHandle p) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), UTF_8);
    } catch (IOException e) {
      return ""; // it has just exited
    }
  }

  /** The parts' processes now. */
  List<ProcessHandle> children() {
    return process.toHandle().children().toList();
  }

  /** SIGTERM, as Ctrl-C or a service manager stops it; its exit code. */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("up did not stop within " + timeout);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
