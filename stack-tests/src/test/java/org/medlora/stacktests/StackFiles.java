package org.medlora.stacktests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.medlora.synth.SyntheticDatasets;

/**
 * What the stack tests share: a folder with a dozen synthetic X-rays at 112x112 and the reference
 * fixture's tiny DINOv2, requests for a linear segmentation head on them, the store's versions,
 * the service's answers, and the printed figures.
 */
final class StackFiles {

  static final String API_KEY = "e2e-key";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path dir;
  final Path store;
  final Path datasets;
  final Path checkpoints;
  /** One of the X-rays, to post to the service. */
  final byte[] image;

  private StackFiles(Path dir, byte[] image) {
    this.dir = dir;
    this.store = dir.resolve("store");
    this.datasets = dir.resolve("datasets");
    this.checkpoints = dir.resolve("checkpoints");
    this.image = image;
  }

  /** A fresh {@code target/<name>} with the data set {@code lungs} and the checkpoint {@code tiny.safetensors}. */
  static StackFiles write(String name) throws IOException {
    Path dir = Path.of("target", name).toAbsolutePath();
    deleteRecursively(dir);
    Path datasets = Files.createDirectories(dir.resolve("datasets"));
    Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
    Path lungs = SyntheticDatasets.write(SyntheticDatasets.Kind.LUNG_XRAY,
        new SyntheticDatasets.Options(12, 5, 112, false), datasets.resolve("lungs")).root();
    byte[] image;
    try (Stream<Path> images = Files.list(lungs.resolve("CXR_png"))) {
      image = Files.readAllBytes(images.sorted().findFirst().orElseThrow());
    }
    Files.copy(Path.of(System.getProperty("medlora.home"),
        "model/src/test/resources/dinov2-reference/fixture_a/weights_meta.safetensors"), checkpoints.resolve("tiny.safetensors"));
    return new StackFiles(dir, image);
  }

  /** A request for a linear segmentation head on the lungs, trained for {@code epochs}. */
  static String request(String id, String task, int epochs) {
    return "{\"request-id\": \"" + id + "\", \"task\": \"" + task + "\", \"kind\": \"segmentation\","
        + " \"dataset\": {\"location\": \"lungs\", \"layout\": \"image-mask-folders\"},"
        + " \"checkpoint\": \"tiny.safetensors\", \"method\": {\"kind\": \"linear\"},"
        + " \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": " + epochs + ", \"image-size\": 112, \"batch-size\": 4}";
  }

  /** The published versions of {@code task} in the store, sorted. */
  List<String> versions(String task) throws IOException {
    Path taskDir = store.resolve(task);
    if (!Files.isDirectory(taskDir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(taskDir)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("[1-9][0-9]*"))
          .sorted(Comparator.comparingInt(Integer::parseInt)).toList();
    }
  }

  record Answer(int status, String version) {}

  /** The service on {@code port} segments the image with {@code task}'s model. */
  Answer segment(int port, String task) throws IOException, InterruptedException {
    HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models/" + task + "/segment"))
        .timeout(Duration.ofSeconds(30))
        .header("X-API-Key", API_KEY)
        .header("Content-Type", "image/png")
        .POST(HttpRequest.BodyPublishers.ofByteArray(image))
        .build();
    HttpResponse<byte[]> response = HTTP.send(post, HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(response.statusCode(), response.headers().firstValue("Medlora-Model-Version").orElse(null));
  }

  static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  static void figure(String format, Object... args) {
    System.out.println("[figure] " + String.format(Locale.ROOT, format, args));
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
