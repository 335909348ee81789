package org.medlora.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.Topics;
import org.medlora.contracts.TrainingRequest;
import org.medlora.kafkanode.KafkaNode;
import org.medlora.stack.JobClient;
import org.medlora.stack.LocalStack;
import org.medlora.stack.StackConfig;
import org.medlora.store.ModelStore;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.training.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The design's flow end to end on built-in defaults: the stack comes up (broker, worker,
 * service), synthetic chest X-rays in the lung data set's layout are written, a training request
 * (a linear segmenter plus the upsampling decoder) goes through Kafka, the published model is
 * asked over HTTP for a mask, and the stack stops. {@code --in-process} runs training, export
 * and prediction in this JVM instead, without Kafka or the service.
 */
@Command(
    name = "demo",
    header = "The whole pipeline on built-in defaults: synthetic lung X-rays to a predicted mask.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the design's flow on built-in defaults: start a broker, a worker and the service,",
      "synthesize lung X-rays, submit a training request through Kafka (linear segmenter +",
      "upsampling decoder), wait for the published model, POST an image to the service and write",
      "the returned mask, then stop everything. --in-process does it all in this JVM instead."
    })
final class DemoCommand implements Callable<Integer> {

  /** The tiny random-weight DINOv2 shipped with the reference fixture (width 64, 2 blocks). */
  static final String BUNDLED_CHECKPOINT =
      "model/src/test/resources/dinov2-reference/fixture_a/weights_meta.safetensors";

  @Option(names = "--out", defaultValue = "demo", description = "Folder for data, store and prediction (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--checkpoint", description = "DINOv2 weights; default: the bundled tiny reference model.")
  Path checkpoint;

  @Option(names = "--size", defaultValue = "224", description = "Model input side, a multiple of 14 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--in-process", description = "Train, export and predict in this JVM, without Kafka or the service.")
  boolean inProcess;

  @Override
  public Integer call() throws Exception {
    Path weights = checkpoint != null ? checkpoint : Medlora.home().resolve(BUNDLED_CHECKPOINT);
    if (!Files.isRegularFile(weights)) {
      throw new IllegalArgumentException("no checkpoint at " + weights + "; pass --checkpoint DINOV2.safetensors");
    }
    if (Files.exists(out) && Files.list(out).findAny().isPresent()) {
      throw new IllegalArgumentException(out + " is not empty; remove it or pass another --out");
    }
    Path data = out.resolve("data");
    System.out.println("writing 48 synthetic chest X-rays with lung masks to " + data);
    Path lungs = SyntheticDatasets.write(SyntheticDatasets.Kind.LUNG_XRAY,
        new SyntheticDatasets.Options(48, 1, 256, false), data.resolve("lungs")).root();
    Path image;
    try (Stream<Path> images = Files.list(lungs.resolve("CXR_png"))) {
      image = images.sorted().findFirst().orElseThrow();
    }
    return inProcess ? inProcess(lungs, weights, image) : throughKafka(data, lungs, weights, image);
  }

  /** The request both ways run: a linear segmenter for 30 epochs, then the decoder for 5. */
  private String request(String location, String checkpointPath) {
    return "{\"request-id\": \"demo\", \"task\": \"lungs\", \"kind\": \"segmentation\","
        + " \"dataset\": {\"location\": \"" + location + "\", \"layout\": \"image-mask-folders\"},"
        + " \"checkpoint\": \"" + checkpointPath + "\", \"method\": {\"kind\": \"linear\"},"
        + " \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": 30, \"image-size\": " + size + ","
        + " \"decoder\": {\"train\": true, \"epochs\": 5, \"learning-rate\": 0.001}}";
  }

  private int throughKafka(Path data, Path lungs, Path weights, Path image) throws Exception {
    Path checkpoints = Files.createDirectories(out.resolve("checkpoints"));
    // Copied, not linked: the worker reads only what really lies under its checkpoint root.
    Files.copy(weights, checkpoints.resolve("dinov2.safetensors"));
    int kafkaPort = KafkaNode.freePortPair();
    int workerPort = KafkaNode.freePort();
    int port = KafkaNode.freePort();
    StackConfig config = new StackConfig(Medlora.home(), out.resolve("store"), port, null, null, kafkaPort,
        workerPort, data, checkpoints);
    System.out.println("starting the stack: a Kafka broker, a trainer worker and the inference service");
    try (LocalStack stack = LocalStack.start(config, System.out)) {
      System.out.println("submitting a training request through Kafka: a linear segmenter (30 epochs)"
          + " and the upsampling decoder (5 epochs)");
      String json = request(data.toAbsolutePath().relativize(lungs.toAbsolutePath()).toString(), "dinov2.safetensors");
      ProgressView view = new ProgressView(new PrintWriter(System.out, true), System.console() != null);
      JobEvent end;
      try (JobClient jobs = new JobClient(stack.bootstrapServers())) {
        jobs.send(Topics.TRAINING_REQUESTS, "demo", json);
        end = jobs.follow("demo", Duration.ofMinutes(30), view::show);
      }
      int code = SubmitCommand.report(end, view);
      if (code != 0) {
        return code;
      }
      Path mask = out.resolve("lungs-mask.png");
      System.out.println("asking the service for " + image.getFileName() + "'s lung mask");
      HttpResponse<Path> answer = segment(stack.serviceUri().resolve("/v1/models/lungs/segment"), image, mask);
      System.out.println("wrote " + mask + " (version " + answer.headers().firstValue("Medlora-Model-Version")
          .orElse("?") + "; pixel = class index, 1 = lung), stopping the stack");
    }
    System.out.println();
    System.out.println("Done. Next: run the stack yourself with bin/medlora up --store " + out.resolve("store")
        + " and send requests with bin/medlora submit --request REQUEST.json");
    return 0;
  }

  /** POSTs the image, waiting out the moments before the service has swapped the model in. */
  private static HttpResponse<Path> segment(URI uri, Path image, Path mask) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest post = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofFile(image)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<Path> answer = http.send(post, HttpResponse.BodyHandlers.ofFile(mask));
      if (answer.statusCode() == 200) {
        return answer;
      }
      if (answer.statusCode() != 503 || System.nanoTime() > deadline) {
        throw new IllegalStateException("the service answered " + answer.statusCode() + " to " + uri
            + ": " + Files.readString(mask) + "; see its log under <store>/.medlora/logs");
      }
      Thread.sleep(250);
    }
  }

  private int inProcess(Path lungs, Path weights, Path image) throws Exception {
    Path store = out.resolve("store");
    System.out.println("training a linear segmenter (30 epochs) and the upsampling decoder (5 epochs)");
    TrainingRequest request = MessageCodec.fromJson(
        request(lungs.toAbsolutePath().toString(), weights.toAbsolutePath().toString()), TrainingRequest.class);
    TrainingRun.Outcome outcome = new TrainingRun(request, new ModelStore(store), new TrainingRun.Listener() {
      @Override
      public void progress(String phase, int epoch, int total, Map<String, Double> metrics, double s, double eta) {
        if (epoch == total || epoch % 10 == 0) {
          System.out.printf("    %s epoch %d/%d: Dice %.3f, validation loss %.3f%n", phase, epoch, total,
              metrics.get("dice"), metrics.get("val-loss"));
        }
      }
    }, () -> false).run();

    Path version = outcome.published().directory();
    System.out.printf("exported, verified (max |diff| %.1e) and published %s%n",
        outcome.published().manifest().verification().maxAbsDiff(), version);

    Path prediction = out.resolve("prediction.safetensors");
    System.out.println("predicting " + image.getFileName() + " with the exported model in ONNX Runtime");
    int code = Medlora.commandLine().execute("predict", "--model", version.toString(), "--image", image.toString(),
        "--out", prediction.toString());
    if (code == 0) {
      System.out.println();
      System.out.println("Done. Next: serve it with bin/medlora serve --store " + store
          + ", or train on your own data with bin/medlora train --request REQUEST.json --store " + store);
    }
    return code;
  }
}
