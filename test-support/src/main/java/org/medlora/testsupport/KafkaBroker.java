package org.medlora.testsupport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.medlora.kafkanode.KafkaNode;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process) for integration
 * tests, run as a child JVM from the {@code org.apache.kafka:kafka_2.13} jars that Maven resolved
 * when this module was built: no Docker, no download, no installed Kafka.
 *
 * <p>Both listeners take free loopback ports; internal topics get replication factor 1; topics are
 * created on first use. {@link #start()} returns once the broker logs "Kafka Server started".
 * {@link #close()} stops the process and deletes its data directory. With a {@link PlainUser},
 * a third listener speaks SASL_PLAINTEXT and accepts only that user (mechanism PLAIN), for tests
 * of clients' security settings; {@link #saslClientConfig()} holds what such a client needs.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start()) {
 *   props.put("bootstrap.servers", broker.bootstrapServers());
 *   ...
 * }
 * }</pre>
 *
 * <p>Not thread-safe; one instance per test class or suite.
 */
public final class KafkaBroker implements AutoCloseable {

  /** Generous: format plus start take 3-6 s on an idle 2-core machine, far more on a busy one. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

  /** A user that the SASL_PLAINTEXT listener accepts with the PLAIN mechanism. */
  public record PlainUser(String name, String password) {
    public PlainUser {
      // Both are written into a JAAS line between double quotes.
      if (!name.matches("[A-Za-z0-9._-]+") || !password.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("user name and password must be non-empty and of "
            + "A-Z, a-z, 0-9, '.', '_' and '-', got name \"" + name + "\"");
      }
    }

    /** The broker's SASL_PLAINTEXT listener, accepting this user only. */
    KafkaNode.Listener listener(int port) {
      return new KafkaNode.Listener("SASL_PLAINTEXT", port, List.of(
          "sasl.enabled.mechanisms=PLAIN",
          // The broker side of PLAIN: user_<name>="<password>" for each accepted user.
          "listener.name.sasl_plaintext.plain.sasl.jaas.config="
              + "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
              + name + "=\"" + password + "\";"));
    }

    /** The client's JAAS line for this user. */
    String jaasConfig() {
      return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + name
          + "\" password=\"" + password + "\";";
    }
  }

  private final Path workDir;
  private final Process process;
  private final String bootstrapServers;
  private final String saslBootstrapServers;
  private final PlainUser saslUser;
  private final Path logFile;
  private final Thread shutdownHook;
  private boolean closed;

  private KafkaBroker(Path workDir, Process process, String bootstrapServers,
      String saslBootstrapServers, PlainUser saslUser, Path logFile) {
    this.workDir = workDir;
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    this.saslBootstrapServers = saslBootstrapServers;
    this.saslUser = saslUser;
    this.logFile = logFile;
    // A test JVM killed mid-run must not leave a broker behind.
    this.shutdownHook = new Thread(this::destroy, "kafka-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a broker with {@link #DEFAULT_START_TIMEOUT} and a 512 MB heap. */
  public static KafkaBroker start() {
    return start(DEFAULT_START_TIMEOUT, "-Xmx512m");
  }

  /**
   * Formats a fresh data directory and starts a broker on it.
   *
   * @param timeout how long to wait for "Kafka Server started"
   * @param heap the child JVM's heap option, e.g. {@code -Xmx512m}
   * @throws IllegalStateException if the broker does not come up in time; the message holds the
   *     end of its log
   */
  public static KafkaBroker start(Duration timeout, String heap) {
    return start(timeout, heap, null);
  }

  /**
   * As {@link #start(Duration, String)}, plus a SASL_PLAINTEXT listener for {@code saslUser}
   * when it is not null.
   */
  public static KafkaBroker start(Duration timeout, String heap, PlainUser saslUser) {
    Objects.requireNonNull(timeout, "timeout");
    Path workDir;
    try {
      workDir = Files.createTempDirectory("medlora-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's data directory", e);
    }
    try {
      int brokerPort = KafkaNode.freePort();
      int controllerPort = KafkaNode.freePort();
      while (controllerPort == brokerPort) {
        controllerPort = KafkaNode.freePort();
      }
      List<KafkaNode.Listener> extra = new ArrayList<>();
      int saslPort = -1;
      if (saslUser != null) {
        while (saslPort < 0 || saslPort == brokerPort || saslPort == controllerPort) {
          saslPort = KafkaNode.freePort();
        }
        extra.add(saslUser.listener(saslPort));
      }
      KafkaNode node = new KafkaNode(workDir, brokerPort, controllerPort, heap);
      long deadline = System.nanoTime() + timeout.toNanos();
      node.prepare(timeout, extra);
      Path logFile = workDir.resolve("broker.log");
      Process server = new ProcessBuilder(node.serverCommand())
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile())
          .start();
      KafkaBroker broker = new KafkaBroker(workDir, server, node.bootstrapServers(),
          saslUser == null ? null : "127.0.0.1:" + saslPort, saslUser, logFile);
      try {
        broker.awaitStarted(deadline, timeout);
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
      return broker;
    } catch (IOException e) {
      deleteRecursively(workDir);
      throw new UncheckedIOException("cannot start the Kafka broker: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteRecursively(workDir);
      throw new IllegalStateException("interrupted while starting the Kafka broker", e);
    } catch (RuntimeException e) {
      deleteRecursively(workDir);
      throw e;
    }
  }

  /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** {@code host:port} of the SASL_PLAINTEXT listener. */
  public String saslBootstrapServers() {
    requireSasl();
    return saslBootstrapServers;
  }

  /**
   * What a client needs besides {@link #saslBootstrapServers()}: {@code security.protocol},
   * {@code sasl.mechanism} and {@code sasl.jaas.config} for the broker's {@link PlainUser}.
   */
  public Map<String, String> saslClientConfig() {
    requireSasl();
    return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", saslUser.jaasConfig());
  }

  private void requireSasl() {
    if (saslUser == null) {
      throw new IllegalStateException("this broker has no SASL listener; start it with a PlainUser");
    }
  }

  /** The broker's combined stdout and stderr, for diagnosing a failed test. */
  public Path logFile() {
    return logFile;
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 20 s) and deletes its data directory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    destroy();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs destroy() anyway.
    }
  }

  private void destroy() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteRecursively(workDir);
  }

  private void awaitStarted(long deadline, Duration timeout) throws IOException, InterruptedException {
    while (true) {
      if (Files.exists(logFile) && Files.readString(logFile, UTF_8).contains(KafkaNode.STARTED)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the Kafka broker exited with code " + process.exitValue()
            + " before it started; log: " + KafkaNode.tail(logFile));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Kafka broker did not log \"" + KafkaNode.STARTED + "\" within "
            + timeout + "; log: " + KafkaNode.tail(logFile));
      }
      Thread.sleep(100);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: a temp directory left behind is harmless.
    }
  }
}
