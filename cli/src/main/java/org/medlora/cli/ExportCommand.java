package org.medlora.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medlora.export.ExportSources;
import org.medlora.export.Precision;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Exports backbone (+ adapter, head, decoder) to a verified ONNX model in the store. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Exports one ONNX model (LoRA merged) for a fixed input size, checks it against the DJL",
      "model in ONNX Runtime, and publishes it as a new version <store>/<task>/<version>/."
    })
final class ExportCommand implements Callable<Integer> {

  @Mixin BackboneOptions source;

  @Option(names = "--head", description = "A trained head (.safetensors); without one the model outputs features.")
  Path head;

  @Option(names = "--decoder", description = "A trained upsampling decoder (.safetensors), for segmentation heads.")
  Path decoder;

  @Option(names = "--size", required = true, converter = ImageSize.Converter.class, description = "Model input size HxW.")
  ImageSize size;

  @Option(names = "--store", required = true, description = "Model store root folder.")
  Path store;

  @Option(names = "--fp16", description = "Store weights and compute in float16 (for GPU serving); verified with a looser bound.")
  boolean fp16;

  @Option(names = "--task", required = true, description = "Task name: lowercase letters, digits and '-'.")
  String task;

  @Override
  public Integer call() throws Exception {
    PublishedModel published = new ExportSources(source.checkpoint, source.adapter, head, decoder)
        .publish(task, size.height(), size.width(), fp16 ? Precision.FP16 : Precision.FP32, new ModelStore(store));
    var v = published.manifest().verification();
    System.out.printf("published %s version %d at %s (verified: max |diff| %.2e <= %.0e on %d probe images)%n",
        task, published.version(), published.directory(), v.maxAbsDiff(), v.tolerance(), v.probeBatch());
    return 0;
  }
}
