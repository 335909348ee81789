package org.medlora.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Config;
import org.medlora.heads.SegmentationHead;
import org.medlora.lora.LoraConfig;
import org.medlora.training.BackboneWithHead;
import org.medlora.training.FineTuning;

/**
 * Times the backbone on this machine: a forward pass at batch 1, and one optimizer step at batch
 * 4 with the paper's linear segmentation head for each fine-tuning method, with the peak resident
 * memory of each scenario. Random ViT-S/14 weights: speed does not depend on their values.
 */
public final class BackboneBenchmark {

  /** One measured scenario. */
  public record Result(String scenario, int size, int batch, double medianMs, double minMs, long peakRssMb, long trainableParams) {}

  private final DinoV2Config config;
  private final int warmup;
  private final int iterations;
  private final PrintStream log;

  public BackboneBenchmark(DinoV2Config config, int warmup, int iterations, PrintStream log) {
    this.config = config;
    this.warmup = warmup;
    this.iterations = iterations;
    this.log = log;
  }

  public Result inference(int size) {
    Engine.getInstance().setRandomSeed(0);
    try (NDManager manager = NDManager.newBaseManager()) {
      DinoV2Backbone backbone = DinoV2Backbone.builder().setConfig(config).build();
      backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
      NDArray pixels = manager.randomNormal(new Shape(1, 3, size, size));
      ParameterStore ps = new ParameterStore(manager, false);
      PeakMemory.reset();
      double[] ms =
          time(
              () -> {
                try (NDManager step = manager.newSubManager()) {
                  NDList out = backbone.forward(ps, new NDList(pixels), false);
                  out.head().toFloatArray(); // wait for the result
                  out.close();
                }
              });
      return result("inference", size, 1, ms, 0);
    }
  }

  public Result trainingStep(FineTuning method, int size, int batch, int rank) {
    Engine.getInstance().setRandomSeed(0);
    LoraConfig lora = method == FineTuning.LORA ? LoraConfig.queryValue(rank, rank) : null;
    DinoV2Backbone backbone = DinoV2Backbone.builder().setConfig(config).optLora(lora).build();
    int grid = config.gridSize(size);
    BackboneWithHead net = new BackboneWithHead(backbone, new SegmentationHead(config.embedDim(), 2, grid, grid));
    try (Model model = Model.newInstance("bench")) {
      model.setBlock(net);
      var trainingConfig =
          new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss("ce", 1f, 1, true, true))
              .optOptimizer(Optimizer.adamW().build());
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        trainer.initialize(new Shape(batch, 3, size, size));
        method.configure(backbone);
        NDManager m = trainer.getManager();
        NDArray pixels = m.randomNormal(new Shape(batch, 3, size, size));
        NDArray labels = m.randomInteger(0, 2, new Shape(batch, grid, grid), DataType.INT64);
        PeakMemory.reset();
        double[] ms =
            time(
                () -> {
                  try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList logits = trainer.forward(new NDList(pixels));
                    NDArray loss = trainer.getLoss().evaluate(new NDList(labels), logits);
                    gc.backward(loss);
                    logits.close();
                    loss.close();
                  }
                  trainer.step();
                });
        return result("train " + method.name().toLowerCase(), size, batch, ms, FineTuning.trainableParameterCount(net));
      }
    }
  }

  private Result result(String name, int size, int batch, double[] ms, long trainable) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    Result r = new Result(name, size, batch, sorted[sorted.length / 2], sorted[0], PeakMemory.peakMb(), trainable);
    log.printf("%-14s %3dx%-3d batch %d: median %8.1f ms, min %8.1f ms, peak RSS %5d MB%n",
        r.scenario(), size, size, batch, r.medianMs(), r.minMs(), r.peakRssMb());
    return r;
  }

  private double[] time(Runnable step) {
    for (int i = 0; i < warmup; i++) {
      step.run();
    }
    double[] ms = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      step.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  /** Markdown table of the results, for benchmarks/*.md. */
  public static String table(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| scenario | input | batch | median ms | min ms | peak RSS MB | trainable params |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      sb.append(String.format("| %s | %dx%d | %d | %.1f | %.1f | %d | %s |%n",
          r.scenario(), r.size(), r.size(), r.batch(), r.medianMs(), r.minMs(), r.peakRssMb(),
          r.trainableParams() == 0 ? "-" : String.format("%,d", r.trainableParams())));
    }
    return sb.toString();
  }

  /** Peak resident set size of this process since the last reset, from Linux's /proc. */
  static final class PeakMemory {
    private PeakMemory() {}

    /** Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so each scenario has its own peak. */
    static void reset() {
      try {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      } catch (IOException | RuntimeException e) {
        // Not Linux, or not permitted: peaks are then process-wide maxima.
      }
    }

    static long peakMb() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through
      }
      return -1;
    }
  }
}
