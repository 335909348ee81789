package org.medlora.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
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
import java.util.Map;
import java.util.function.Supplier;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Config;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.OnnxNames;
import org.medlora.export.ExportParityException;
import org.medlora.export.OnnxExport;
import org.medlora.export.OrtModel;
import org.medlora.export.Predictor;
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
  public record Result(String scenario, int size, int batch, double medianMs, double minMs, Peak peakRss, long trainableParams) {}

  /**
   * A scenario's peak resident set size, or the process's peak so far when the kernel refused to
   * reset it ({@code scenarioOnly} false), which the table then says.
   */
  public record Peak(long mb, boolean scenarioOnly) {
    @Override
    public String toString() {
      return mb < 0 ? "n/a" : scenarioOnly ? Long.toString(mb) : mb + " (process max: reset refused)";
    }
  }

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

  /**
   * Forward pass at batch 1, timed alternately with {@link BareForward} on the same weights so
   * that machine drift hits both equally; returns the backbone's result and the bare one.
   */
  public List<Result> inference(int size) {
    Engine.getInstance().setRandomSeed(0);
    try (NDManager manager = NDManager.newBaseManager()) {
      DinoV2Backbone backbone = DinoV2Backbone.builder().setConfig(config).build();
      backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
      NDArray pixels = manager.randomNormal(new Shape(1, 3, size, size));
      ParameterStore ps = new ParameterStore(manager, false);
      int grid = config.gridSize(size);
      NDArray pos = backbone.positionEmbedding(ps, manager, grid, grid, false);
      BareForward bare = new BareForward(config, backbone.checkpointParameters());
      checkSameResult(backbone, bare, ps, pixels, pos);

      Supplier<NDArray> ours = () -> backbone.forward(ps, new NDList(pixels), false).get(1);
      Supplier<NDArray> theirs = () -> bare.forward(pixels, pos);
      Peak[] peaks = {peakOf(ours), peakOf(theirs)};
      double[][] ms = new double[2][iterations];
      for (int i = -warmup; i < iterations; i++) {
        double a = timeOnce(ours);
        double b = timeOnce(theirs);
        if (i >= 0) {
          ms[0][i] = a;
          ms[1][i] = b;
        }
      }
      return List.of(
          result("inference", size, 1, ms[0], peaks[0], 0),
          result("bare libtorch", size, 1, ms[1], peaks[1], 0));
    }
  }

  private static void checkSameResult(
      DinoV2Backbone backbone, BareForward bare, ParameterStore ps, NDArray pixels, NDArray pos) {
    try (NDManager scratch = pixels.getManager().newSubManager()) {
      NDArray ours = backbone.forward(ps, new NDList(pixels), false).get(1);
      NDArray theirs = bare.forward(pixels, pos);
      ours.attach(scratch);
      theirs.attach(scratch);
      float diff = ours.sub(theirs).abs().max().getFloat();
      if (!(diff < 1e-4f)) {
        throw new IllegalStateException("bare forward differs from the backbone by " + diff);
      }
    }
  }

  private static Peak peakOf(Supplier<NDArray> step) {
    boolean reset = PeakMemory.reset();
    timeOnce(step);
    return PeakMemory.peak(reset);
  }

  /** Runs one step in its own scope and waits for its result. */
  private static double timeOnce(Supplier<NDArray> step) {
    long t0 = System.nanoTime();
    try (NDScope scope = new ai.djl.ndarray.NDScope()) {
      step.get().toFloatArray();
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  public Result trainingStep(MethodKind method, int size, int batch, int rank) {
    Engine.getInstance().setRandomSeed(0);
    LoraConfig lora = method == MethodKind.LORA ? LoraConfig.queryValue(rank, rank) : null;
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
        FineTuning.configure(method, backbone);
        NDManager m = trainer.getManager();
        NDArray pixels = m.randomNormal(new Shape(batch, 3, size, size));
        // DJL's sparse cross-entropy picks along the class axis, so labels keep it: (B, 1, gh, gw).
        NDArray labels = m.randomInteger(0, 2, new Shape(batch, 1, grid, grid), DataType.INT64);
        boolean reset = PeakMemory.reset();
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
        return result("train " + method, size, batch, ms,
            PeakMemory.peak(reset), FineTuning.trainableParameterCount(net));
      }
    }
  }

  private Result result(String name, int size, int batch, double[] ms, Peak peak, long trainable) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    Result r = new Result(name, size, batch, sorted[sorted.length / 2], sorted[0], peak, trainable);
    log.printf("%-14s %3dx%-3d batch %d: median %8.1f ms, min %8.1f ms, peak RSS %s MB%n",
        r.scenario(), size, size, batch, r.medianMs(), r.minMs(), r.peakRss());
    return r;
  }

  private double[] time(Runnable step) {
    double[] ms = new double[iterations];
    for (int i = -warmup; i < iterations; i++) {
      long t0 = System.nanoTime();
      step.run();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return ms;
  }

  /**
   * An exported segmenter (backbone + linear head, bilinear upsampling, mask) in ONNX Runtime
   * against the DJL forward of the same weights, timed alternately at each batch size.
   */
  public List<Result> exported(int size, int batch) throws ExportParityException {
    Engine.getInstance().setRandomSeed(0);
    try (NDManager manager = NDManager.newBaseManager()) {
      Predictor predictor = randomSegmenter(manager, size);
      byte[] model = OnnxExport.export(predictor, size, size, ExportPrecision.FP32, 1, 0, Map.of()).model();
      NDArray pixels = manager.randomNormal(new Shape(batch, 3, size, size));
      float[] data = pixels.toFloatArray();
      long[] shape = pixels.getShape().getShape();
      try (OrtModel ort = OrtModel.load(model)) {
        Supplier<NDArray> djl = () -> predictor.forward(pixels).get(OnnxNames.LOGITS);
        Peak djlPeak = peakOf(djl);
        boolean reset = PeakMemory.reset();
        ort.run(data, shape);
        Peak ortPeak = PeakMemory.peak(reset);
        double[][] ms = new double[2][iterations];
        for (int i = -warmup; i < iterations; i++) {
          double a = timeOnce(djl);
          long t0 = System.nanoTime();
          ort.run(data, shape);
          double b = (System.nanoTime() - t0) / 1e6;
          if (i >= 0) {
            ms[0][i] = a;
            ms[1][i] = b;
          }
        }
        return List.of(
            result("segmenter DJL", size, batch, ms[0], djlPeak, 0),
            result("segmenter ORT", size, batch, ms[1], ortPeak, 0));
      }
    }
  }

  /**
   * The same exported segmenter in ONNX Runtime at float32 and at int8, timed alternately so that
   * machine drift hits all equally; and float32 with int8's fused attention, which is not exported
   * (no CUDA kernel in ONNX Runtime 1.23), so that int8 is also compared on equal attention.
   */
  public List<Result> quantized(int size, int batch) throws ExportParityException {
    Engine.getInstance().setRandomSeed(0);
    try (NDManager manager = NDManager.newBaseManager()) {
      Predictor segmenter = randomSegmenter(manager, size);
      OnnxExport.Result export = OnnxExport.export(segmenter, size, size, ExportPrecision.INT8, 1, 0, Map.of());
      NDArray pixels = manager.randomNormal(new Shape(batch, 3, size, size));
      float[] data = pixels.toFloatArray();
      long[] shape = pixels.getShape().getShape();
      try (OrtModel fp32 = OrtModel.load(export.fp32());
          OrtModel int8 = OrtModel.load(export.model());
          OrtModel fusedFp32 = OrtModel.load(OnnxExport.fp32WithFusedAttention(segmenter, size, size))) {
        OrtModel[] models = {fp32, int8, fusedFp32};
        Peak[] peaks = new Peak[models.length];
        for (int m = 0; m < models.length; m++) {
          boolean reset = PeakMemory.reset();
          models[m].run(data, shape);
          peaks[m] = PeakMemory.peak(reset);
        }
        double[][] ms = new double[models.length][iterations];
        for (int i = -warmup; i < iterations; i++) {
          for (int m = 0; m < models.length; m++) {
            long t0 = System.nanoTime();
            models[m].run(data, shape);
            if (i >= 0) {
              ms[m][i] = (System.nanoTime() - t0) / 1e6;
            }
          }
        }
        return List.of(
            result("segmenter ORT fp32", size, batch, ms[0], peaks[0], 0),
            result("segmenter ORT int8", size, batch, ms[1], peaks[1], 0),
            result("segmenter ORT fp32, int8's fused attention (not exported)", size, batch, ms[2], peaks[2], 0));
      }
    }
  }

  /** Backbone with random weights and a 2-class linear segmentation head. */
  private Predictor randomSegmenter(NDManager manager, int size) {
    DinoV2Backbone backbone = DinoV2Backbone.builder().setConfig(config).build();
    backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
    int grid = config.gridSize(size);
    SegmentationHead head = new SegmentationHead(config.embedDim(), 2, grid, grid);
    head.initialize(manager, DataType.FLOAT32, new Shape(1, config.embedDim()));
    return Predictor.segmenter(backbone, head, null);
  }

  /** Markdown table of the results, for benchmarks/*.md. */
  public static String table(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| scenario | input | batch | median ms | min ms | peak RSS MB | trainable params |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      sb.append(String.format("| %s | %dx%d | %d | %.1f | %.1f | %s | %s |%n",
          r.scenario(), r.size(), r.size(), r.batch(), r.medianMs(), r.minMs(), r.peakRss(),
          r.trainableParams() == 0 ? "-" : String.format("%,d", r.trainableParams())));
    }
    return sb.toString();
  }

  /** Peak resident set size of this process since the last reset, from Linux's /proc. */
  static final class PeakMemory {
    private PeakMemory() {}

    /**
     * Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so each scenario has its own peak.
     * Returns false when that is refused (not Linux, or not permitted).
     */
    static boolean reset() {
      try {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        return true;
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }

    /** The peak since {@link #reset()}, or the process's peak when the reset was refused. */
    static Peak peak(boolean wasReset) {
      return new Peak(peakMb(), wasReset);
    }

    private static long peakMb() {
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
