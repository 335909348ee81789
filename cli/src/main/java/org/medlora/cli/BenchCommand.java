package org.medlora.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.medlora.backbone.DinoV2Config;
import org.medlora.bench.BackboneBenchmark;
import org.medlora.bench.TrainingBenchmark;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.MethodSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Measures backbone speed and memory on this machine; see benchmarks/README.md. */
@Command(
    name = "bench",
    header = "Times inference, training steps and the exported model, with peak memory.",
    mixinStandardHelpOptions = true,
    description = "Times ViT-S/14 (random weights) inference and training steps per method, with peak memory.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--sizes", split = ",", defaultValue = "224,448", description = "Square input sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(names = "--scenarios", split = ",", defaultValue = "inference,linear,lora,full",
      description = "Which to run: inference, training steps (linear, lora, full), onnx (an exported "
          + "segmenter in ONNX Runtime vs DJL), int8 (the int8 export vs the fp32 one, both in ONNX "
          + "Runtime), or runs (whole training runs on synthetic data) "
          + "(default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--batch", defaultValue = "4", description = "Training batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--rank", defaultValue = "8", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--iterations", defaultValue = "5", description = "Timed runs (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--onnx-batches", split = ",", defaultValue = "1,8", description = "Batch sizes for onnx and int8 (default: ${DEFAULT-VALUE}).")
  List<Integer> onnxBatches;

  @Override
  public Integer call() throws Exception {
    BackboneBenchmark bench = new BackboneBenchmark(DinoV2Config.vitS14(), warmup, iterations, System.err);
    List<BackboneBenchmark.Result> results = new ArrayList<>();
    if (scenarios.contains("inference")) {
      for (int size : sizes) {
        results.addAll(bench.inference(size));
      }
    }
    for (int size : sizes) {
      for (MethodKind method : MethodSpec.KINDS) {
        if (scenarios.contains(method.jsonName())) {
          results.add(bench.trainingStep(method, size, batch, rank));
        }
      }
    }
    if (scenarios.contains("onnx")) {
      for (int size : sizes) {
        for (int b : onnxBatches) {
          results.addAll(bench.exported(size, b));
        }
      }
    }
    if (scenarios.contains("int8")) {
      for (int size : sizes) {
        for (int b : onnxBatches) {
          results.addAll(bench.quantized(size, b));
        }
      }
    }
    if (!results.isEmpty()) {
      System.out.print(BackboneBenchmark.table(results));
    }
    if (scenarios.contains("runs")) {
      Path work = Files.createTempDirectory("medlora-bench-");
      List<TrainingBenchmark.Result> runs = new ArrayList<>();
      for (int size : sizes) { // a data set per size: each is written at its own input size
        runs.addAll(new TrainingBenchmark(Files.createDirectories(work.resolve(size + "px")), size, 24, System.err)
            .run(MethodSpec.KINDS));
      }
      System.out.print(TrainingBenchmark.table(runs));
    }
    return 0;
  }
}
