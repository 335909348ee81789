package org.medlora.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.medlora.kafkanode.KafkaNode;

/**
 * The whole system on one machine, each part a process of its own: a single-node KRaft broker
 * (unless an existing Kafka is named), one trainer worker and the inference service following
 * {@code model-published}, all on 127.0.0.1. Each part is supervised ({@link Supervisor}):
 * restarted when it dies, stopped in reverse order by {@link #close()}, which also runs when
 * this JVM is asked to stop (Ctrl-C, SIGTERM), so no part outlives it.
 */
public final class LocalStack implements AutoCloseable {

  /** Generous: a cold JVM with libtorch or ONNX Runtime on a busy 2-core machine. */
  public static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  /** Quarkus finishes in-flight work on SIGTERM; a training job is redelivered anyway. */
  static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final StackConfig config;
  private final PrintStream out;
  private final Map<Part, Supervisor> parts = new EnumMap<>(Part.class);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread shutdownHook = new Thread(this::close, "medlora-stack-stop");
  private boolean closing;

  private LocalStack(StackConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts every part and returns once all answer their readiness probes: the broker has logged
   * that it started, the worker's {@code /q/health/ready} is UP, and the service has done its
   * start-up read of {@code model-published} (it reports UP only once it serves a model).
   *
   * @throws IllegalStateException if a part is not ready within {@link #START_TIMEOUT}; the
   *     message holds the end of its log, and every part is stopped
   */
  public static LocalStack start(StackConfig config, PrintStream out) throws IOException, InterruptedException {
    requireFreePorts(config);
    Path home = config.home();
    Path workerJar = requireJar(home.resolve(StackConfig.WORKER_JAR), "trainer-worker");
    Path serviceJar = requireJar(home.resolve(StackConfig.SERVICE_JAR), "inference-service");
    for (Path dir : List.of(config.store(), config.datasetRoot(), config.checkpointRoot())) {
      Files.createDirectories(dir);
    }
    Path logs = Files.createDirectories(config.stateDirectory().resolve("logs"));
    LocalStack stack = new LocalStack(config, out);
    try {
      if (config.bootstrap() == null) {
        KafkaNode node = new KafkaNode(config.stateDirectory().resolve("kafka"), config.kafkaPort(),
            config.kafkaPort() + 1, "-Xmx512m");
        node.prepare(START_TIMEOUT, List.of());
        Path log = logs.resolve("kafka.log");
        stack.add(Part.KAFKA, new ProcessBuilder(node.serverCommand()), log,
            logStart -> logContains(log, logStart, KafkaNode.STARTED));
      }
      stack.add(Part.WORKER, new ProcessBuilder(Jvm.jar(workerJar, List.of(
              "-Dai.djl.offline=true",
              "-Dmedlora.store.path=" + config.store(),
              "-Dmedlora.worker.dataset-root=" + config.datasetRoot(),
              "-Dmedlora.worker.checkpoint-root=" + config.checkpointRoot(),
              "-Dkafka.bootstrap.servers=" + config.bootstrapServers(),
              // A worker that died holds its job's partition until its session times out (45 s by
              // default); the one restarted here gets the job back sooner.
              "-Dmp.messaging.incoming.training-requests.session.timeout.ms=10000",
              "-Dquarkus.http.host=127.0.0.1",
              "-Dquarkus.http.port=" + config.workerPort()))),
          logs.resolve("worker.log"),
          logStart -> get(health(config.workerPort())).statusCode() == 200);
      ProcessBuilder service = new ProcessBuilder(Jvm.jar(serviceJar, List.of(
          "-Dmedlora.store.path=" + config.store(),
          "-Dkafka.bootstrap.servers=" + config.bootstrapServers(),
          "-Dquarkus.http.host=127.0.0.1",
          "-Dquarkus.http.port=" + config.port(),
          "-Dmedlora.auth.enabled=" + (config.apiKey() != null))));
      if (config.apiKey() != null) {
        service.environment().put("MEDLORA_AUTH_API_KEYS", config.apiKey()); // not argv: keys stay out of ps
      }
      stack.add(Part.SERVICE, service, logs.resolve("service.log"),
          logStart -> {
            HttpResponse<String> health = get(health(config.port()));
            return serviceStarted(health.statusCode(), health.body());
          });

      stack.describe();
      Supervisor kafka = stack.parts.get(Part.KAFKA);
      if (kafka != null) { // the others need it
        long begin = System.nanoTime();
        kafka.start();
        stack.awaitReady(kafka, begin);
      }
      long begin = System.nanoTime();
      stack.parts.get(Part.WORKER).start();
      stack.parts.get(Part.SERVICE).start();
      stack.awaitReady(stack.parts.get(Part.WORKER), begin);
      stack.awaitReady(stack.parts.get(Part.SERVICE), begin);
      return stack;
    } catch (IOException | InterruptedException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /** Fails at once, naming the option, rather than after a part's start timeout. */
  static void requireFreePorts(StackConfig config) {
    Map<Integer, String> ports = new LinkedHashMap<>();
    ports.put(config.port(), "--port");
    ports.put(config.workerPort(), "--worker-port");
    if (config.bootstrap() == null) {
      ports.put(config.kafkaPort(), "--kafka-port");
      ports.put(config.kafkaPort() + 1, "--kafka-port (its controller takes the next port)");
    }
    for (Map.Entry<Integer, String> p : ports.entrySet()) {
      try (ServerSocket socket = new ServerSocket(p.getKey(), 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        throw new IllegalStateException("port " + p.getKey() + " on 127.0.0.1 is in use (is another bin/medlora up"
            + " running?); pass " + p.getValue() + " to use another");
      }
    }
  }

  private static Path requireJar(Path jar, String module) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the " + module + " is not built (" + jar + "); run bin/medlora up,"
          + " which builds it, or ./mvnw -B -pl " + module + " -am package -DskipTests");
    }
    return jar;
  }

  private void add(Part part, ProcessBuilder builder, Path log, Supervisor.Readiness readiness) {
    parts.put(part, new Supervisor(part, builder, log, readiness, out));
  }

  private void describe() {
    out.println("medlora up: store " + config.store());
    for (Supervisor s : parts.values()) {
      out.printf("  %-8s %-34s log %s%n", s.part().label(), address(s.part()), s.log());
    }
    if (config.bootstrap() != null) {
      out.printf("  %-8s %-34s (not started here)%n", Part.KAFKA.label(), config.bootstrap());
    }
  }

  /** Where a part answers: Kafka's bootstrap address, the worker's health, the service's API. */
  public String address(Part part) {
    return switch (part) {
      case KAFKA -> config.bootstrapServers();
      case WORKER -> "http://127.0.0.1:" + config.workerPort() + "/q/health";
      case SERVICE -> serviceUri().toString();
    };
  }

  public URI serviceUri() {
    return URI.create("http://127.0.0.1:" + config.port());
  }

  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  private void awaitReady(Supervisor s, long begin) throws InterruptedException {
    if (!s.awaitReady(START_TIMEOUT)) {
      throw new IllegalStateException("the " + s.part().title() + " was not ready within " + START_TIMEOUT.toMinutes()
          + " minutes; the end of its log (" + s.log() + "):" + KafkaNode.tail(s.log()));
    }
    out.printf("medlora up: the %s is ready (%.1f s)%n", s.part().title(), (System.nanoTime() - begin) / 1e9);
  }

  /** Blocks until {@link #close()} has stopped every part, e.g. on Ctrl-C. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** Stops the service, the worker and the broker, in that order; each gets SIGTERM first. */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    out.println("medlora up: stopping the parts");
    List<Supervisor> reverse = new ArrayList<>(parts.values());
    Collections.reverse(reverse);
    for (Supervisor s : reverse) {
      s.stop(STOP_GRACE);
    }
    out.println("medlora up: stopped");
    closed.countDown();
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook finds the parts stopped.
      }
    }
  }

  private static URI health(int port) {
    return URI.create("http://127.0.0.1:" + port + "/q/health/ready");
  }

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The service is up once its start-up read of {@code model-published} is done: UP when it
   * serves a model, 503 with {@code startup-load-done: true} while the store is still empty.
   */
  static boolean serviceStarted(int status, String body) throws IOException {
    if (status == 200) {
      return true;
    }
    if (status != 503) {
      return false;
    }
    JsonNode root = JSON.readTree(body);
    return root.findValues("startup-load-done").stream().anyMatch(JsonNode::asBoolean);
  }

  /** Whether the log, from byte {@code from} on, contains {@code text}. */
  static boolean logContains(Path log, long from, String text) throws IOException {
    if (!Files.exists(log)) {
      return false;
    }
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length() - from;
      if (length <= 0) {
        return false;
      }
      byte[] bytes = new byte[(int) Math.min(length, 64L << 20)];
      file.seek(from);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8).contains(text);
    }
  }
}
