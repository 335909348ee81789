package org.medlora.testsupport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

  /** Written by this module's build: Kafka's runtime classpath, one path-separated line. */
  static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";

  static final String STARTED = "Kafka Server started";

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
    String classpath = brokerClasspath();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("medlora-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's data directory", e);
    }
    try {
      int brokerPort = freePort();
      int controllerPort = freePort();
      while (controllerPort == brokerPort) {
        controllerPort = freePort();
      }
      int saslPort = -1;
      while (saslUser != null && (saslPort < 0 || saslPort == brokerPort || saslPort == controllerPort)) {
        saslPort = freePort();
      }
      Path properties = workDir.resolve("server.properties");
      Files.writeString(properties,
          serverProperties(workDir.resolve("data"), brokerPort, controllerPort, saslPort, saslUser));
      Path logFile = workDir.resolve("broker.log");

      long deadline = System.nanoTime() + timeout.toNanos();
      Process format = new ProcessBuilder(command(classpath, heap, "kafka.tools.StorageTool",
              "format", "--cluster-id=" + clusterId(), "--config=" + properties))
          .redirectErrorStream(true)
          .redirectOutput(workDir.resolve("format.log").toFile())
          .start();
      if (!format.waitFor(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
        format.destroyForcibly();
        throw new IllegalStateException("formatting the Kafka data directory took longer than "
            + timeout + "; log: " + tail(workDir.resolve("format.log")));
      }
      if (format.exitValue() != 0) {
        throw new IllegalStateException("formatting the Kafka data directory failed (exit "
            + format.exitValue() + "): " + tail(workDir.resolve("format.log")));
      }

      Process server = new ProcessBuilder(command(classpath, heap, "kafka.Kafka", properties.toString()))
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile())
          .start();
      KafkaBroker broker = new KafkaBroker(workDir, server, "127.0.0.1:" + brokerPort,
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
      if (Files.exists(logFile) && Files.readString(logFile, UTF_8).contains(STARTED)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the Kafka broker exited with code " + process.exitValue()
            + " before it started; log: " + tail(logFile));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Kafka broker did not log \"" + STARTED + "\" within "
            + timeout + "; log: " + tail(logFile));
      }
      Thread.sleep(100);
    }
  }

  static String serverProperties(Path dataDir, int brokerPort, int controllerPort, int saslPort,
      PlainUser saslUser) {
    String plaintext = "PLAINTEXT://127.0.0.1:" + brokerPort;
    String sasl = saslUser == null ? "" : ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
    String saslSettings = saslUser == null ? "" : String.join("\n",
        "sasl.enabled.mechanisms=PLAIN",
        // The broker side of PLAIN: user_<name>="<password>" for each accepted user.
        "listener.name.sasl_plaintext.plain.sasl.jaas.config="
            + "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
            + saslUser.name() + "=\"" + saslUser.password() + "\";",
        "");
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=" + plaintext + ",CONTROLLER://127.0.0.1:" + controllerPort + sasl,
        "advertised.listeners=" + plaintext + sasl,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
        // Properties files read backslashes as escapes; forward slashes work on every OS.
        "log.dirs=" + dataDir.toAbsolutePath().toString().replace('\\', '/'),
        "num.partitions=1",
        "auto.create.topics.enable=true",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.cleaner.dedupe.buffer.size=4194304",
        saslSettings);
  }

  private static List<String> command(String classpath, String heap, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(heap);
    // A short-lived test broker: quick start-up matters more than peak throughput.
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  static String brokerClasspath() {
    String classpath;
    try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + CLASSPATH_RESOURCE + " is missing from "
            + "medlora-test-support; build that module with Maven (it writes the file)");
      }
      classpath = new String(in.readAllBytes(), UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
        throw new IllegalStateException("the Kafka broker's classpath names " + entry + ", which "
            + "does not exist; rebuild medlora-test-support on this machine so Maven resolves "
            + "org.apache.kafka:kafka_2.13 into the local repository");
      }
    }
    return classpath;
  }

  /**
   * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as Kafka's Uuid. It may
   * start with '-', so it is passed as {@code --cluster-id=<id>}, never as a separate argument.
   */
  static String clusterId() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static long remainingMillis(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  /** The last lines of a log, for error messages. */
  static String tail(Path log) {
    try {
      if (!Files.exists(log)) {
        return "(no log written)";
      }
      List<String> lines = Files.readAllLines(log, UTF_8);
      return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
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
