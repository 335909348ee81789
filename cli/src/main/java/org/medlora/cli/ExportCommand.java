package org.medlora.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medlora.export.ExportSources;
import org.medlora.export.Precision;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Exports backbone (+ adapter, head, decoder), or a published version's parts, to a verified ONNX model in the store. */
@Command(
    name = "export",
    header = "Exports a verified ONNX model to the store, from files or a version folder.",
    mixinStandardHelpOptions = true,
    description = {
      "Exports one ONNX model (LoRA merged) for a fixed input size, checks it against the DJL",
      "model in ONNX Runtime, and publishes it as a new version <store>/<task>/<version>/,",
      "which keeps the adapter, head and decoder it was made from. With --from, exports a",
      "published version again (another size, fp16) from the parts it keeps."
    })
final class ExportCommand implements Callable<Integer> {

  @Mixin BackboneOptions source;

  @Option(names = "--head", description = "A trained head (.safetensors); without one the model outputs features.")
  Path head;

  @Option(names = "--decoder", description = "A trained upsampling decoder (.safetensors), for segmentation heads.")
  Path decoder;

  @Option(names = "--from", paramLabel = "STORE/TASK/VERSION",
      description = "A published version whose kept adapter, head and decoder (or fine-tuned backbone) to export, "
          + "each checked against its manifest; --checkpoint must be the checkpoint it was trained from.")
  Path from;

  @Option(names = "--size", required = true, converter = ImageSize.Converter.class, description = "Model input size HxW.")
  ImageSize size;

  @Option(names = "--store", required = true, description = "Model store root folder.")
  Path store;

  @Option(names = "--fp16", description = "Store weights and compute in float16 (for GPU serving); verified with a looser bound.")
  boolean fp16;

  @Option(names = "--task", required = true, description = "Task name: lowercase letters, digits and '-'.")
  String task;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (from != null && (source.adapter != null || head != null || decoder != null)) {
      throw new ParameterException(spec.commandLine(),
          "--from exports the version's own adapter, head and decoder; leave out --adapter, --head and --decoder");
    }
    ExportSources sources = from == null
        ? new ExportSources(source.checkpoint, source.adapter, head, decoder)
        : ExportSources.ofVersion(from, source.checkpoint);
    PublishedModel published = sources.publish(
        task, size.height(), size.width(), fp16 ? Precision.FP16 : Precision.FP32, new ModelStore(store));
    var v = published.manifest().verification();
    System.out.printf("published %s version %d at %s (verified: max |diff| %.2e <= %.0e on %d probe images)%n",
        task, published.version(), published.directory(), v.maxAbsDiff(), v.tolerance(), v.probeBatch());
    return 0;
  }
}
