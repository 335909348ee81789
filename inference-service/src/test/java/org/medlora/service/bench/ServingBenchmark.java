package org.medlora.service.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medlora.contracts.ModelManifest;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.Preprocessor;
import org.medlora.service.testing.TestImages;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * The serving benchmark: the inference service (its packaged jar, started here on loopback)
 * against a bare ONNX Runtime {@code session.run} of the same model and input, then throughput
 * at concurrency 8 with and without dynamic batching. Writes a Markdown report.
 *
 * <p>Usage: {@code ServingBenchmark <store> <task> <quarkus-run.jar> <report.md>}. Bounded: a
 * fixed number of requests per phase and a time limit per phase.
 */
public final class ServingBenchmark {

  static final int LATENCY_RUNS = 100;
  static final int WARMUP = 20;
  /**
   * Requests that bring both JVMs' just-in-time compilers to their steady state before the
   * second latency phase: segmentation requests, and cheaper ones through the same HTTP stack
   * (a health probe, a PNG to a task that does not exist), thousands of which would otherwise
   * take hours of the model's runs.
   */
  static final int STEADY_WARMUP_SEGMENTS = 300;
  static final int STEADY_WARMUP_CHEAP = 1500;
  /** Requests that compile the benchmark's own HTTP client before anything is measured. */
  static final int CLIENT_WARMUP = 3000;
  static final int CONCURRENCY = 8;
  static final int THROUGHPUT_REQUESTS = 64;
  static final int ROUNDS = 4;
  static final Duration PHASE_LIMIT = Duration.ofMinutes(5);
  static final int IMAGE_SIDE = 1024;

  private ServingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path store = Path.of(args[0]);
    String task = args[1];
    Path app = Path.of(args[2]);
    Path report = Path.of(args[3]);
    PublishedModel model = new ModelStore(store).latest(task).orElseThrow(
        () -> new IllegalArgumentException("no version of " + task + " in " + store));
    byte[] png = TestImages.png8Gray(IMAGE_SIDE, IMAGE_SIDE);
    int threads = Runtime.getRuntime().availableProcessors();
    String load = Files.readString(Path.of("/proc/loadavg")).trim();

    warmClient(png);
    // 1. Concurrency 1: service and bare session.run, interleaved so drift hits both alike;
    // first right after start, then once the JVMs' compilers have done their work.
    Latency afterStart;
    Latency steady;
    try (Service svc = Service.start(app, store, List.of());
        BareSession session = new BareSession(model, png, threads)) {
      for (int i = 0; i < WARMUP; i++) {
        svc.segment(task, png);
        session.run();
      }
      afterStart = latency(svc, session, task, png);
      for (int i = 0; i < STEADY_WARMUP_CHEAP; i++) {
        svc.get("/q/health/live");
        svc.post("/v1/models/no-such-task/segment", png);
      }
      for (int i = 0; i < STEADY_WARMUP_SEGMENTS; i++) {
        svc.segment(task, png);
      }
      steady = latency(svc, session, task, png);
    }
    // 2. Concurrency 8, with and without batching: both services up, measured in alternating
    // rounds, so a change in the shared machine's load hits both configurations alike.
    Throughput batched;
    Throughput unbatched;
    double meanBatch;
    try (Service withBatching = Service.start(app, store, List.of());
        Service without = Service.start(app, store, List.of("-Dmedlora.batching.max-batch-size=1"))) {
      List<Throughput> a = new ArrayList<>();
      List<Throughput> b = new ArrayList<>();
      throughput(withBatching, task, png, CONCURRENCY); // warm-up rounds
      throughput(without, task, png, CONCURRENCY);
      for (int round = 0; round < ROUNDS; round++) {
        a.add(throughput(withBatching, task, png, THROUGHPUT_REQUESTS / ROUNDS));
        b.add(throughput(without, task, png, THROUGHPUT_REQUESTS / ROUNDS));
      }
      batched = Throughput.combine(a);
      unbatched = Throughput.combine(b);
      meanBatch = withBatching.meanBatchSize();
    }
    String md = report(model.manifest(), load, threads, afterStart, steady, batched, unbatched,
        meanBatch);
    Files.writeString(report, md);
    System.out.println(md);
  }

  /**
   * Brings this JVM's HTTP client to its compiled steady state against a throw-away local
   * server, so that the measuring client's own just-in-time compiling (whose compiler threads
   * would share the cores with the service's runs) is not counted against the service.
   */
  static void warmClient(byte[] png) throws IOException, InterruptedException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] answer = new byte[16 * 1024]; // about a mask PNG's size
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest request = HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
          .header("Content-Type", "image/png")
          .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();
      for (int i = 0; i < CLIENT_WARMUP; i++) {
        http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      }
    } finally {
      server.stop(0);
    }
  }

  /** One latency phase at concurrency 1: the service, the bare run, the service's stage means. */
  record Latency(Stats service, Stats bare, Map<String, Double> stages) {}

  /** {@link #LATENCY_RUNS} service requests, each followed by a bare run. */
  static Latency latency(Service svc, BareSession session, String task, byte[] png)
      throws Exception {
    Map<String, double[]> before = svc.stageTotals();
    long[] s = new long[LATENCY_RUNS];
    long[] b = new long[LATENCY_RUNS];
    for (int i = 0; i < LATENCY_RUNS; i++) {
      s[i] = svc.segment(task, png);
      b[i] = session.run();
    }
    return new Latency(Stats.of(s), Stats.of(b), Service.meanMillis(before, svc.stageTotals()));
  }

  /** Latencies in nanoseconds, sorted. */
  record Stats(long[] sorted) {
    static Stats of(long[] values) {
      long[] s = values.clone();
      Arrays.sort(s);
      return new Stats(s);
    }

    double mean() {
      return Arrays.stream(sorted).average().orElse(Double.NaN) / 1e6;
    }

    double p(double q) {
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
  }

  record Throughput(double seconds, Stats latency, int requests) {
    double perSecond() {
      return requests / seconds;
    }

    static Throughput combine(List<Throughput> parts) {
      double seconds = 0;
      int requests = 0;
      List<Long> all = new ArrayList<>();
      for (Throughput t : parts) {
        seconds += t.seconds;
        requests += t.requests;
        for (long l : t.latency.sorted()) {
          all.add(l);
        }
      }
      return new Throughput(seconds, Stats.of(all.stream().mapToLong(Long::longValue).toArray()),
          requests);
    }
  }

  /** {@code count} requests from {@link #CONCURRENCY} client threads. */
  static Throughput throughput(Service svc, String task, byte[] png, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    try {
      long start = System.nanoTime();
      List<Future<Long>> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        calls.add(pool.submit(() -> svc.segment(task, png)));
      }
      long[] latencies = new long[count];
      for (int i = 0; i < count; i++) {
        latencies[i] = calls.get(i).get(PHASE_LIMIT.toSeconds(), TimeUnit.SECONDS);
      }
      return new Throughput((System.nanoTime() - start) / 1e9, Stats.of(latencies), count);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The same model in a plain session with the service's threads and optimization level, on the same input. */
  static final class BareSession implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    private final OrtSession session;
    private final OnnxTensor input;
    private final String inputName;

    BareSession(PublishedModel model, byte[] png, int threads) throws Exception {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      // Its threads would otherwise spin on after each run and slow the service request that
      // follows on the same cores; the run itself is unchanged.
      options.addConfigEntry("session.force_spinning_stop", "1");
      session = env.createSession(model.modelFile().toString(), options);
      ModelManifest m = model.manifest();
      DecodedImage image = ImageDecoder.decode(png, ImageLimits.DEFAULT);
      float[] pixels = Preprocessor.toModelInput(image, m.preprocessing());
      FloatBuffer buffer = ByteBuffer.allocateDirect(pixels.length * 4).order(ByteOrder.nativeOrder())
          .asFloatBuffer().put(pixels);
      buffer.flip();
      input = OnnxTensor.createTensor(env, buffer,
          new long[] {1, 3, m.preprocessing().height(), m.preprocessing().width()});
      inputName = m.inputName();
    }

    long run() throws Exception {
      long start = System.nanoTime();
      try (OrtSession.Result r = session.run(Map.of(inputName, input), Set.of("mask"))) {
        r.get(0);
      }
      return System.nanoTime() - start;
    }

    @Override
    public void close() throws Exception {
      input.close();
      session.close();
      options.close();
    }
  }

  /** The packaged service in a child JVM on a loopback port, authentication off. */
  static final class Service implements AutoCloseable {
    private final Process process;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();

    private Service(Process process, URI base) {
      this.process = process;
      this.base = base;
    }

    /** Starts the service with its defaults, changed by {@code settings} ({@code -Dkey=value}). */
    static Service start(Path app, Path store, List<String> settings) throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path log = Files.createTempFile("medlora-bench-service-", ".log");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g",
          "-Dmedlora.store.path=" + store.toAbsolutePath(),
          "-Dmedlora.store.rescan-interval=0s",
          "-Dmedlora.auth.enabled=false",
          "-Dkafka.bootstrap.servers=",
          "-Dquarkus.http.host=127.0.0.1",
          "-Dquarkus.http.port=" + port));
      command.addAll(settings);
      command.addAll(List.of("-jar", app.toString()));
      Process p = new ProcessBuilder(command)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Service svc = new Service(p, URI.create("http://127.0.0.1:" + port));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (true) {
        try {
          if (svc.get("/q/health/ready") == 200) {
            return svc;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (!p.isAlive() || System.nanoTime() > deadline) {
          svc.close();
          throw new IllegalStateException("the service did not become ready; log " + log);
        }
        Thread.sleep(200);
      }
    }

    int get(String path) throws Exception {
      return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    int post(String path, byte[] png) throws Exception {
      return http.send(HttpRequest.newBuilder(base.resolve(path))
              .header("Content-Type", "image/png")
              .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Requests per ONNX Runtime run so far, from the service's {@code medlora_batch_size}. */
    double meanBatchSize() throws Exception {
      String metrics = http.send(HttpRequest.newBuilder(base.resolve("/q/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return metric(metrics, "medlora_batch_size_sum") / metric(metrics, "medlora_batch_size_count");
    }

    /** Per stage of {@code medlora_request_stage_seconds}: {total seconds, count} so far. */
    Map<String, double[]> stageTotals() throws Exception {
      String metrics = http.send(HttpRequest.newBuilder(base.resolve("/q/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Map<String, double[]> totals = new TreeMap<>();
      Matcher m = Pattern.compile("(?m)^medlora_request_stage_seconds_(sum|count)\\{[^}]*stage=\"(\\w+)\"[^}]*\\} ([0-9.eE+-]+)$")
          .matcher(metrics);
      while (m.find()) {
        totals.computeIfAbsent(m.group(2), k -> new double[2])[m.group(1).equals("sum") ? 0 : 1] =
            Double.parseDouble(m.group(3));
      }
      return totals;
    }

    /** Mean milliseconds per request of each stage between two {@link #stageTotals()}. */
    static Map<String, Double> meanMillis(Map<String, double[]> before, Map<String, double[]> after) {
      Map<String, Double> means = new LinkedHashMap<>();
      for (String stage : List.of("decode", "preprocess", "queue", "run", "render")) {
        double[] a = after.getOrDefault(stage, new double[2]);
        double[] b = before.getOrDefault(stage, new double[2]);
        double count = a[1] - b[1];
        means.put(stage, count == 0 ? Double.NaN : 1000 * (a[0] - b[0]) / count);
      }
      return means;
    }

    /** The value of the first sample of {@code name}, whatever its labels. */
    private static double metric(String exposition, String name) {
      Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*\\} ([0-9.eE+-]+)$")
          .matcher(exposition);
      if (!m.find()) {
        throw new IllegalStateException("the service's /q/metrics has no " + name);
      }
      return Double.parseDouble(m.group(1));
    }

    /** One segmentation request, mask PNG back; returns the latency in nanoseconds. */
    long segment(String task, byte[] png) throws Exception {
      HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/models/" + task + "/segment"))
          .header("Content-Type", "image/png")
          .timeout(Duration.ofMinutes(2))
          .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();
      long start = System.nanoTime();
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      long elapsed = System.nanoTime() - start;
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode() + ": "
            + new String(r.body(), StandardCharsets.UTF_8));
      }
      return elapsed;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  static String report(ModelManifest m, String load, int threads, Latency afterStart,
      Latency steady, Throughput batched, Throughput unbatched, double meanBatch) throws Exception {
    String cpu = run("lscpu");
    String nproc = run("nproc").trim();
    StringBuilder md = new StringBuilder();
    md.append("# Serving benchmark\n\n");
    md.append("Written by `benchmarks/serving.sh` (`org.medlora.service.bench.ServingBenchmark`) on ")
        .append(Instant.now().toString(), 0, 10).append(".\n\n");
    md.append("Model: ").append(m.backbone().architecture()).append(" (random weights, ")
        .append(m.precision()).append("), segmentation head with ").append(m.classNames().size())
        .append(" classes, input ").append(m.preprocessing().height()).append("x")
        .append(m.preprocessing().width()).append(", exported by `bin/medlora export`. Request: a ")
        .append(IMAGE_SIDE).append("x").append(IMAGE_SIDE)
        .append(" 8-bit gray PNG POSTed to `/v1/models/<task>/segment`, answered with the label mask"
            + " PNG at 1024x1024, so decoding, preprocessing, batching, the run, resizing the mask"
            + " and PNG encoding are all inside the service's time. Client and service on loopback,"
            + " one HTTP/1.1 connection per client thread. ONNX Runtime: CPU, ALL_OPT, ")
        .append(threads).append(" intra-op threads, in the service and in the bare session.\n\n");
    md.append("## Latency at concurrency 1\n\n");
    md.append("Service requests and bare `session.run` calls on the already preprocessed input"
        + " alternate, ").append(LATENCY_RUNS).append(" of each, in two phases of the same service"
        + " process, which runs with its defaults (`application.properties`):\n\n");
    md.append("- **after start**: after ").append(WARMUP).append(" warm-up rounds. The service's"
        + " just-in-time compiler is still at work: its HTTP stack runs partly interpreted, and"
        + " compiler threads take cores from ONNX Runtime during runs. (The benchmark's own HTTP"
        + " client is compiled beforehand, with ").append(CLIENT_WARMUP)
        .append(" requests to a throw-away local server.);\n");
    md.append("- **steady state**: after ").append(STEADY_WARMUP_SEGMENTS).append(" more"
        + " segmentation requests and ").append(STEADY_WARMUP_CHEAP).append(" health probes and"
        + " ").append(STEADY_WARMUP_CHEAP).append(" PNGs posted to a task that does not exist"
        + " (cheap requests through the same HTTP stack, in place of hours of model runs).\n\n");
    md.append("| | after start: p50 | p99 | steady state: p50 | p99 |\n|---|---|---|---|---|\n");
    md.append(String.format("| service (HTTP, decode, preprocess, queue, run, mask PNG) | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
        afterStart.service().p(0.5), afterStart.service().p(0.99), steady.service().p(0.5), steady.service().p(0.99)));
    md.append(String.format("| bare ONNX Runtime `session.run` | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
        afterStart.bare().p(0.5), afterStart.bare().p(0.99), steady.bare().p(0.5), steady.bare().p(0.99)));
    md.append(String.format("| service / bare | %.3fx | %.3fx | %.3fx | %.3fx |%n%n",
        ratio(afterStart, 0.5), ratio(afterStart, 0.99), ratio(steady, 0.5), ratio(steady, 0.99)));
    md.append("Targets (issue 13): median at most 1.05x, 99th percentile at most 1.15x. After start: ")
        .append(verdict(afterStart)).append("; steady state: ").append(verdict(steady))
        .append(" (").append(LATENCY_RUNS).append(" samples each).\n\n");
    md.append("Where the service's time goes, from its `medlora_request_stage_seconds` over the same "
        + "requests (means, so they do not add up to the medians above; \"rest\" is the mean "
        + "latency seen by the client minus the stages: HTTP, hand-offs between threads):\n\n");
    md.append("| stage, mean ms | after start | steady state |\n|---|---|---|\n");
    for (String stage : afterStart.stages().keySet()) {
      md.append(String.format("| %s | %.1f | %.1f |%n", stage, afterStart.stages().get(stage),
          steady.stages().get(stage)));
    }
    md.append(String.format("| rest | %.1f | %.1f |%n", rest(afterStart), rest(steady)));
    md.append(String.format("| bare `session.run` (for comparison) | %.1f | %.1f |%n%n",
        afterStart.bare().mean(), steady.bare().mean()));
    md.append("## Throughput at concurrency 8\n\n");
    md.append(CONCURRENCY).append(" client threads send ").append(THROUGHPUT_REQUESTS)
        .append(" requests to each configuration after a warm-up round, in ").append(ROUNDS)
        .append(" alternating rounds of ").append(THROUGHPUT_REQUESTS / ROUNDS)
        .append(" (both services are up throughout, only one is loaded at a time).\n\n");
    md.append("| service configuration | requests/s | p50 | p99 |\n|---|---|---|---|\n");
    md.append(String.format("| dynamic batching (the defaults) | %.2f | %.0f ms | %.0f ms |%n",
        batched.perSecond(), batched.latency().p(0.5), batched.latency().p(0.99)));
    md.append(String.format("| no batching: max-batch-size 1 | %.2f | %.0f ms | %.0f ms |%n%n",
        unbatched.perSecond(), unbatched.latency().p(0.5), unbatched.latency().p(0.99)));
    md.append(batchingNote(batched, unbatched, meanBatch));
    md.append("## Machine\n\n");
    md.append("`nproc`: ").append(nproc).append("; load average at start: `").append(load)
        .append("` (the machine is shared with other jobs, so figures move between runs).\n\n");
    md.append("```\n").append(cpu.strip()).append("\n```\n");
    return md.toString();
  }

  private static double ratio(Latency phase, double quantile) {
    return phase.service().p(quantile) / phase.bare().p(quantile);
  }

  /** Whether a phase meets issue 13's targets, median and 99th percentile. */
  static String verdict(Latency phase) {
    return "median " + (ratio(phase, 0.5) <= 1.05 ? "met" : "missed") + ", 99th percentile "
        + (ratio(phase, 0.99) <= 1.15 ? "met" : "missed");
  }

  private static double rest(Latency phase) {
    return phase.service().mean()
        - phase.stages().values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** What the two configurations did, as measured; no explanation that a run did not show. */
  static String batchingNote(Throughput batched, Throughput unbatched, double meanBatch) {
    double change = 100 * (batched.perSecond() / unbatched.perSecond() - 1);
    return String.format("Throughput with batching against without: %+.0f%%. Mean batch size with"
        + " batching on: %.2f requests per `session.run` (`medlora_batch_size`, over all that"
        + " service's runs, warm-up included).%n%n", change, meanBatch);
  }

  private static String run(String command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException | InterruptedException e) {
      return command + ": unavailable (" + e.getMessage() + ")";
    }
  }
}
