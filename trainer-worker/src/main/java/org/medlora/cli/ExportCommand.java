package org.medlora.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.contracts.MethodInfo;
import org.medlora.contracts.MethodKind;
import org.medlora.export.ExportSpec;
import org.medlora.export.ModelPublisher;
import org.medlora.export.Precision;
import org.medlora.export.Predictor;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.UpsamplingDecoder;
import org.medlora.lora.PeftAdapter;
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
    if (decoder != null && head == null) {
      throw new IllegalArgumentException("--decoder needs the segmentation --head it refines");
    }
    DinoV2Checkpoint ckpt = source.loadCheckpoint();
    PeftAdapter lora = source.loadAdapter();
    int h = size.height();
    int w = size.width();
    try (NDManager manager = NDManager.newBaseManager()) {
      DinoV2Backbone backbone = DinoV2Backbone.fromCheckpoint(manager, ckpt, lora);
      int gh = backbone.config().gridSize(h);
      int gw = backbone.config().gridSize(w);
      Predictor predictor;
      List<String> classes = List.of();
      if (head == null) {
        predictor = Predictor.features(backbone);
      } else {
        HeadFiles.Head weights = HeadFiles.readHead(head);
        classes = weights.classNames();
        predictor =
            switch (weights.kind()) {
              case CLASSIFICATION -> Predictor.classifier(backbone, weights.classifier(manager));
              case SEGMENTATION -> {
                UpsamplingDecoder d = decoder == null ? null : HeadFiles.readDecoder(decoder, manager, h, w, gh, gw);
                yield Predictor.segmenter(backbone, weights.segmenter(manager, gh, gw), d);
              }
              case FEATURES -> throw new IllegalArgumentException(head + " is not a head");
            };
      }
      MethodInfo method =
          lora == null
              ? MethodInfo.of(head == null ? MethodKind.NONE : MethodKind.LINEAR)
              : MethodInfo.lora(lora.config().rank(), lora.config().alpha(),
                  lora.config().targets().stream().sorted().toList(), lora.config().rsLora());
      // Exported by hand: no training request, metrics or data set to record.
      ExportSpec spec = new ExportSpec(task, h, w, classes, source.checkpoint.getFileName().toString(), ckpt.sha256(),
          method, null, Map.of(), null, fp16 ? Precision.FP16 : Precision.FP32);
      PublishedModel published = ModelPublisher.publish(predictor, spec, new ModelStore(store));
      var v = published.manifest().verification();
      System.out.printf("published %s version %d at %s (verified: max |diff| %.2e <= %.0e on %d probe images)%n",
          task, published.version(), published.directory(), v.maxAbsDiff(), v.tolerance(), v.probeBatch());
    }
    return 0;
  }
}
