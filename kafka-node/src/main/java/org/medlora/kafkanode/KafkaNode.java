package org.medlora.kafkanode;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka broker (KRaft: broker and controller in one process) on loopback, run as a
 * JVM of its own from the {@code org.apache.kafka:kafka_2.13} jars that Maven resolved when this
 * module was built: no Docker, no download, no installed Kafka. This class knows the broker's
 * settings, the one-time format of its data folder and its command line; who starts, watches
 * and stops the process (a test's {@code KafkaBroker}, {@code bin/medlora up}) is the caller's
 * business.
 *
 * @param directory holds {@code server.properties}, {@code format.log} and the data folder
 *     {@code data/}; a folder prepared before keeps its topics and offsets
 * @param port the PLAINTEXT listener on 127.0.0.1, for clients
 * @param controllerPort the KRaft controller listener on 127.0.0.1
 * @param heap the JVM's heap option, e.g. {@code -Xmx512m}
 */
public record KafkaNode(Path directory, int port, int controllerPort, String heap) {

  /** What the broker logs once it serves clients. */
  public static final String STARTED = "Kafka Server started";

  /** Written by this module's build: Kafka's runtime classpath, one path-separated line. */
  static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";

  /**
   * One more listener, e.g. SASL_PLAINTEXT for tests of clients' security settings.
   *
   * @param protocol the listener's name and security protocol, e.g. {@code SASL_PLAINTEXT}
   * @param port its port on 127.0.0.1
   * @param settings the broker settings it needs, one {@code key=value} each
   */
  public record Listener(String protocol, int port, List<String> settings) {
    public Listener {
      if (!protocol.matches("[A-Z_]+")) {
        throw new IllegalArgumentException("a listener's protocol is e.g. SASL_PLAINTEXT, got \"" + protocol + "\"");
      }
      settings = List.copyOf(settings);
    }
  }

  public KafkaNode {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(heap, "heap");
    if (port == controllerPort) {
      throw new IllegalArgumentException("the broker and controller ports must differ, both are " + port);
    }
  }

  /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path dataDirectory() {
    return directory.resolve("data");
  }

  /**
   * Writes {@code server.properties} and, unless the data folder was formatted before, formats
   * it with a new cluster id. Ports may change between runs: they are settings, not data.
   *
   * @param extra listeners besides PLAINTEXT and CONTROLLER
   * @throws IllegalStateException if formatting fails or takes longer than {@code timeout}; the
   *     message holds the end of its log
   */
  public void prepare(Duration timeout, List<Listener> extra) throws IOException, InterruptedException {
    Files.createDirectories(directory);
    Path properties = directory.resolve("server.properties");
    Files.writeString(properties, serverProperties(extra));
    if (Files.exists(dataDirectory().resolve("meta.properties"))) {
      return;
    }
    Path log = directory.resolve("format.log");
    Process format = new ProcessBuilder(command("kafka.tools.StorageTool", "format",
            "--cluster-id=" + clusterId(), "--config=" + properties))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    if (!format.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      format.destroyForcibly();
      throw new IllegalStateException("formatting the Kafka data folder took longer than " + timeout
          + "; log: " + tail(log));
    }
    if (format.exitValue() != 0) {
      throw new IllegalStateException("formatting the Kafka data folder failed (exit " + format.exitValue()
          + "): " + tail(log));
    }
  }

  /** The broker's command line, once {@link #prepare} has run. */
  public List<String> serverCommand() {
    return command("kafka.Kafka", directory.resolve("server.properties").toString());
  }

  String serverProperties(List<Listener> extra) {
    StringBuilder listeners = new StringBuilder("PLAINTEXT://127.0.0.1:" + port);
    StringBuilder advertised = new StringBuilder(listeners);
    listeners.append(",CONTROLLER://127.0.0.1:").append(controllerPort);
    StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    List<String> extraSettings = new ArrayList<>();
    for (Listener l : extra) {
      String address = "," + l.protocol() + "://127.0.0.1:" + l.port();
      listeners.append(address);
      advertised.append(address);
      protocols.append(',').append(l.protocol()).append(':').append(l.protocol());
      extraSettings.addAll(l.settings());
    }
    List<String> lines = new ArrayList<>(List.of(
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=" + listeners,
        "advertised.listeners=" + advertised,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=" + protocols,
        // Properties files read backslashes as escapes; forward slashes work on every OS.
        "log.dirs=" + dataDirectory().toAbsolutePath().toString().replace('\\', '/'),
        "num.partitions=1",
        "auto.create.topics.enable=true",
        // One node: every internal topic has one replica.
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.cleaner.dedupe.buffer.size=4194304"));
    lines.addAll(extraSettings);
    return String.join("\n", lines) + "\n";
  }

  private List<String> command(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(heap);
    // One small node: quick start-up matters more than peak throughput.
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Kafka's classpath as this module's build resolved it; every entry must still exist. */
  static String classpath() {
    String classpath;
    try (InputStream in = KafkaNode.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + CLASSPATH_RESOURCE + " is missing from "
            + "medlora-kafka-node; build that module with Maven (it writes the file)");
      }
      classpath = new String(in.readAllBytes(), UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
        throw new IllegalStateException("the Kafka broker's classpath names " + entry + ", which "
            + "does not exist; rebuild medlora-kafka-node on this machine so Maven resolves "
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

  /** A port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** A port on 127.0.0.1 that was free a moment ago, with the next one free too: broker and controller. */
  public static int freePortPair() throws IOException {
    while (true) {
      int port = freePort();
      if (port < 65535) {
        try (ServerSocket next = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException e) {
          // taken: try another
        }
      }
    }
  }

  /** The last 30 lines of a log, for error messages. */
  public static String tail(Path log) {
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
}
