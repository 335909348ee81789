package org.medlora.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.contracts.MethodKind;
import org.medlora.heads.HeadFiles;
import org.medlora.lora.PeftAdapter;

/**
 * The trained parts a published version keeps beside its {@code model.onnx}, so that it can be
 * exported again (another size, fp16) or trained further, and its adapter loaded in HuggingFace
 * PEFT. One table of paths, for writing them ({@link ModelPublisher}) and reading them
 * ({@link ExportSources#ofVersion}):
 *
 * <pre>
 * adapter/adapter_config.json        LoRA: the adapter in PEFT's format ({@link PeftAdapter})
 * adapter/adapter_model.safetensors
 * backbone.safetensors               full fine-tuning: the whole backbone, Meta checkpoint keys
 * head.safetensors                   the classification or segmentation head ({@link HeadFiles})
 * decoder.safetensors                the upsampling decoder, when one was trained
 * </pre>
 *
 * <p>The base checkpoint is not kept (it is large and the user's); the manifest names it by
 * SHA-256. The paths are public for readers of a version's parts, such as the comparison report.
 */
public final class VersionParts {

  public static final String ADAPTER_DIR = "adapter";
  public static final String BACKBONE = "backbone.safetensors";
  public static final String HEAD = "head.safetensors";
  public static final String DECODER = "decoder.safetensors";

  private VersionParts() {}

  /** Where a file of the PEFT adapter folder sits in a version. */
  static String adapterPath(String peftFile) {
    return ADAPTER_DIR + "/" + peftFile;
  }

  /**
   * Writes the trained parts of {@code predictor}, whose backbone was adapted by {@code method},
   * into {@code dir} under their paths in a version; returns the files by those paths.
   */
  static Map<String, Path> write(Path dir, Predictor predictor, MethodKind method, List<String> classNames)
      throws IOException {
    Map<String, Path> parts = new LinkedHashMap<>();
    DinoV2Backbone backbone = predictor.backbone();
    switch (method) {
      case LORA -> {
        if (backbone.loraConfig() == null) {
          throw new IllegalStateException("the method is lora but the backbone has no LoRA adapters");
        }
        Path adapter = dir.resolve(ADAPTER_DIR);
        PeftAdapter.of(backbone.loraConfig(), backbone.loraAdapters()).write(adapter);
        for (String file : List.of(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE)) {
          parts.put(adapterPath(file), adapter.resolve(file));
        }
      }
      case FULL -> {
        backbone.writeCheckpoint(dir.resolve(BACKBONE));
        parts.put(BACKBONE, dir.resolve(BACKBONE));
      }
      case LINEAR, NONE -> {
        // The backbone is the base checkpoint's, which the manifest names.
      }
    }
    if (predictor.classifier() != null) {
      HeadFiles.writeClassifier(dir.resolve(HEAD), predictor.classifier(), classNames);
      parts.put(HEAD, dir.resolve(HEAD));
    }
    if (predictor.segmenter() != null) {
      HeadFiles.writeSegmenter(dir.resolve(HEAD), predictor.segmenter(), classNames);
      parts.put(HEAD, dir.resolve(HEAD));
    }
    if (predictor.decoder() != null) {
      HeadFiles.writeDecoder(dir.resolve(DECODER), predictor.decoder());
      parts.put(DECODER, dir.resolve(DECODER));
    }
    return parts;
  }
}
