package org.medlora.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.QuantizationBounds;
import org.medlora.export.ExportSources;
import org.medlora.export.HeldOutImages;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;
import org.medlora.training.HeldOutSamples;
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
      "published version again (another size, precision) from the parts it keeps.",
      "--precision int8 (for CPU servers) also checks the int8 model's answers against the",
      "float32 model's on the --held-out data set, and refuses it beyond the bounds."
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

  @Option(names = "--precision", defaultValue = "fp32", converter = JsonNames.Precision.class,
      description = "fp32, fp16 (for GPU servers; verified with a looser bound) or int8 (for CPU servers; needs "
          + "--held-out) (default: ${DEFAULT-VALUE}).")
  ExportPrecision precision;

  @Option(names = "--fp16", description = "Same as --precision fp16.")
  boolean fp16;

  @Option(names = "--held-out", paramLabel = "DIR",
      description = "int8: a data set the model did not train on (e.g. its validation images), in --held-out-layout; "
          + "the int8 model's masks or classes are compared with the float32 model's, and with the truth.")
  Path heldOut;

  @Option(names = "--held-out-layout", converter = JsonNames.Layout.class,
      description = "Layout of --held-out: kermany, busi or image-mask-folders.")
  DatasetLayout heldOutLayout;

  @Option(names = "--min-dice-vs-fp32", defaultValue = "0.98",
      description = "int8 segmentation: least mean Dice of int8 against fp32 masks (default: ${DEFAULT-VALUE}).")
  double minDiceVsFp32;

  @Option(names = "--max-metric-drop", defaultValue = "0.01",
      description = "int8: most Dice, accuracy or macro F1 may drop against fp32 (default: ${DEFAULT-VALUE}).")
  double maxMetricDrop;

  @Option(names = "--min-top1-agreement", defaultValue = "0.99",
      description = "int8 classification: least share of images with fp32's top-1 class (default: ${DEFAULT-VALUE}).")
  double minTop1Agreement;

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
    if (fp16 && precision != ExportPrecision.FP32 && precision != ExportPrecision.FP16) {
      throw new ParameterException(spec.commandLine(), "--fp16 contradicts --precision " + precision + ": give one");
    }
    ExportPrecision p = fp16 ? ExportPrecision.FP16 : precision;
    boolean int8 = p == ExportPrecision.INT8;
    if (int8 != (heldOut != null)) {
      throw new ParameterException(spec.commandLine(), int8
          ? "--precision int8 needs --held-out DIR (and --held-out-layout): images the model did not train on, to "
              + "check the int8 model's answers against float32's"
          : "--held-out is for --precision int8");
    }
    if (int8 && heldOutLayout == null) {
      throw new ParameterException(spec.commandLine(), "--held-out needs --held-out-layout (kermany, busi or "
          + "image-mask-folders)");
    }
    HeldOutImages images = int8
        ? HeldOutSamples.given(heldOut, heldOutLayout, sources.kind(), size.height(), size.width())
        : null;
    QuantizationBounds bounds = int8 ? new QuantizationBounds(minDiceVsFp32, maxMetricDrop, minTop1Agreement) : null;
    PublishedModel published =
        sources.publish(task, size.height(), size.width(), p, images, bounds, new ModelStore(store));
    var v = published.manifest().verification();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("published %s version %d at %s (verified: max |diff| %.2e <= %.0e on %d probe images)%n",
        task, published.version(), published.directory(), v.maxAbsDiff(), v.tolerance(), v.probeBatch());
    if (v.quantization() != null) {
      out.println(v.quantization().summary());
    }
    return 0;
  }
}
