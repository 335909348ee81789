package org.medlora.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medlora.backbone.DinoV2Config;
import org.medlora.backbone.RandomCheckpoints;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.TrainingRequest;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.store.ModelStore;
import org.medlora.training.TrainingRun;

/**
 * Whole training runs at ViT-S/14 dimensions (random weights) on synthetic data: images per
 * second per method and task, and, for the linear probe, what computing the features once costs
 * against the epochs that reuse them.
 */
public final class TrainingBenchmark {

  /**
   * One run: training images per second in an epoch, and the linear probe's one-off feature pass.
   * {@code prefetch}: whether the next batches were read on a loading thread (the default) or on
   * the training thread, as before prefetching; LoRA runs both ways to show the difference.
   */
  public record Result(String task, MethodKind method, int size, int trainImages, double imagesPerSecond,
      double featureSeconds, double epochSeconds, boolean prefetch) {}

  private final Path work;
  private final int size;
  private final int count;
  private final PrintStream log;

  public TrainingBenchmark(Path work, int size, int count, PrintStream log) {
    this.work = work;
    this.size = size;
    this.count = count;
    this.log = log;
  }

  public List<Result> run(List<MethodKind> methods) throws Exception {
    Path checkpoint = RandomCheckpoints.write(DinoV2Config.vitS14(), work.resolve("vits14-random.safetensors"));
    Path lungs = SyntheticDatasets.write(SyntheticDatasets.Kind.LUNG_XRAY,
        new SyntheticDatasets.Options(count, 1, 256, false), work.resolve("lungs")).root();
    Path pneumonia = SyntheticDatasets.write(SyntheticDatasets.Kind.PNEUMONIA_XRAY,
        new SyntheticDatasets.Options(count, 2, 256, false), work.resolve("pneumonia")).root();
    List<Result> results = new ArrayList<>();
    for (MethodKind method : methods) {
      for (boolean prefetch : method == MethodKind.LORA ? List.of(false, true) : List.of(true)) {
        results.add(time("segmentation", method, lungs, DatasetLayout.IMAGE_MASK_FOLDERS, checkpoint, prefetch));
        results.add(time("classification", method, pneumonia, DatasetLayout.KERMANY, checkpoint, prefetch));
      }
    }
    return results;
  }

  private Result time(String kind, MethodKind method, Path data, DatasetLayout layout, Path checkpoint,
      boolean prefetch) throws Exception {
    String json = "{\"request-id\": \"bench-" + kind + "-" + method + "\", \"task\": \"bench\", \"kind\": \"" + kind
        + "\", \"dataset\": {\"location\": \"" + data + "\", \"layout\": \"" + layout + "\"},"
        + " \"checkpoint\": \"" + checkpoint + "\", \"method\": {\"kind\": \"" + method + "\", \"lora-rank\": 8},"
        + " \"epochs\": 2, \"batch-size\": 4, \"image-size\": " + size + "}";
    TrainingRequest request = MessageCodec.fromJson(json, TrainingRequest.class);
    long[] firstProgress = {0};
    double[] epochSeconds = new double[2];
    long start = System.nanoTime();
    TrainingRun.Outcome outcome = new TrainingRun(request, new ModelStore(work.resolve("store")),
        (phase, epoch, total, metrics, seconds, eta) -> {
          if (epoch == 1) {
            firstProgress[0] = System.nanoTime();
          }
          epochSeconds[epoch - 1] = seconds;
        }, () -> false).prefetch(prefetch ? TrainingRun.DEFAULT_PREFETCH : 0).run();
    int train = outcome.published().manifest().dataset().trainCount();
    // Before the first epoch: reading data and checkpoint, plus, for the linear probe, one
    // backbone pass over the training and validation images.
    double beforeFirst = (firstProgress[0] - start) / 1e9 - epochSeconds[0];
    Result r = new Result(kind, method, size, train, train / epochSeconds[1],
        method == MethodKind.LINEAR ? beforeFirst : 0, epochSeconds[1], prefetch);
    log.printf("%-14s %-6s %dx%d%s: %d training images, epoch %.2f s (%.1f images/s)%s%n", kind, method, size, size,
        prefetch ? "" : " (inline loading)", train, r.epochSeconds(), r.imagesPerSecond(),
        method == MethodKind.LINEAR ? String.format(", features once: %.1f s", beforeFirst) : "");
    return r;
  }

  /** Markdown rows for benchmarks/RESULTS.md. */
  public static String table(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| task | method | input | batches read | training images | epoch s | images/s | linear probe: features once, s |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      sb.append(String.format("| %s | %s | %dx%d | %s | %d | %.2f | %.1f | %s |%n", r.task(), r.method(), r.size(),
          r.size(), r.prefetch() ? "ahead" : "inline", r.trainImages(), r.epochSeconds(), r.imagesPerSecond(),
          r.method() == MethodKind.LINEAR ? String.format("%.1f", r.featureSeconds()) : "-"));
    }
    return sb.toString();
  }
}
