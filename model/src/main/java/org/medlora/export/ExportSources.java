package org.medlora.export;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.contracts.MethodInfo;
import org.medlora.contracts.MethodKind;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.UpsamplingDecoder;
import org.medlora.lora.PeftAdapter;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * A model to export, as files: a DINOv2 checkpoint and, optionally, a PEFT LoRA adapter folder,
 * a trained head and an upsampling decoder (both {@code .safetensors}). Without a head the model
 * outputs the backbone's features. What {@code bin/medlora export} exports.
 *
 * @param adapter null for none
 * @param head null for a features model
 * @param decoder null for none; needs a segmentation head
 */
public record ExportSources(Path checkpoint, Path adapter, Path head, Path decoder) {

  public ExportSources {
    if (decoder != null && head == null) {
      throw new IllegalArgumentException("a decoder needs the segmentation head it refines");
    }
  }

  /** Builds the model at {@code height x width}, verifies its export and publishes a new version. */
  public PublishedModel publish(String task, int height, int width, Precision precision, ModelStore store)
      throws IOException, ExportParityException {
    DinoV2Checkpoint ckpt = DinoV2Checkpoint.load(checkpoint);
    PeftAdapter lora = adapter == null ? null : PeftAdapter.read(adapter);
    try (NDManager manager = NDManager.newBaseManager()) {
      DinoV2Backbone backbone = DinoV2Backbone.fromCheckpoint(manager, ckpt, lora);
      int gh = backbone.config().gridSize(height);
      int gw = backbone.config().gridSize(width);
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
                UpsamplingDecoder d =
                    decoder == null ? null : HeadFiles.readDecoder(decoder, manager, height, width, gh, gw);
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
      ExportSpec spec = new ExportSpec(task, height, width, classes, checkpoint.getFileName().toString(),
          ckpt.sha256(), method, null, Map.of(), null, precision);
      return ModelPublisher.publish(predictor, spec, store);
    }
  }
}
