package org.medlora.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.TrainingRequest;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.store.ModelStore;
import org.medlora.training.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job end to end on built-in defaults: synthetic chest X-rays in the lung data set's
 * layout, a linear segmenter plus the upsampling decoder on a DINOv2 backbone, export with
 * verification, and a full-resolution mask predicted by the exported model.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline on built-in defaults: synthesize lung X-rays, train a segmenter",
      "(linear head + upsampling decoder), export and verify it, and predict a mask with it."
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

  @Override
  public Integer call() throws Exception {
    Path weights = checkpoint != null ? checkpoint : Medlora.home().resolve(BUNDLED_CHECKPOINT);
    if (!Files.isRegularFile(weights)) {
      throw new IllegalArgumentException("no checkpoint at " + weights + "; pass --checkpoint DINOV2.safetensors");
    }
    Path data = out.resolve("data");
    Path store = out.resolve("store");
    if (Files.exists(out) && Files.list(out).findAny().isPresent()) {
      throw new IllegalArgumentException(out + " is not empty; remove it or pass another --out");
    }
    System.out.println("1/4 writing 48 synthetic chest X-rays with lung masks to " + data);
    Path lungs = SyntheticDatasets.write(SyntheticDatasets.Kind.LUNG_XRAY,
        new SyntheticDatasets.Options(48, 1, 256, false), data.resolve("lungs")).root();

    System.out.println("2/4 training a linear segmenter (30 epochs) and the upsampling decoder (5 epochs)");
    String json = "{\"request-id\": \"demo\", \"task\": \"lungs\", \"kind\": \"segmentation\","
        + " \"dataset\": {\"location\": \"" + lungs.toAbsolutePath() + "\", \"layout\": \"image-mask-folders\"},"
        + " \"checkpoint\": \"" + weights.toAbsolutePath() + "\", \"method\": {\"kind\": \"linear\"},"
        + " \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": 30, \"image-size\": " + size + ","
        + " \"decoder\": {\"train\": true, \"epochs\": 5, \"learning-rate\": 0.001}}";
    TrainingRequest request = MessageCodec.fromJson(json, TrainingRequest.class);
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
    System.out.printf("3/4 exported, verified (max |diff| %.1e) and published %s%n",
        outcome.published().manifest().verification().maxAbsDiff(), version);

    Path image;
    try (Stream<Path> images = Files.list(lungs.resolve("CXR_png"))) {
      image = images.sorted().findFirst().orElseThrow();
    }
    Path prediction = out.resolve("prediction.safetensors");
    System.out.println("4/4 predicting " + image.getFileName() + " with the exported model in ONNX Runtime");
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
