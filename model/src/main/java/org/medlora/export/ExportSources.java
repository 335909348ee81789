package org.medlora.export;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.contracts.BackboneInfo;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.MethodInfo;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.QuantizationBounds;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.UpsamplingDecoder;
import org.medlora.lora.PeftAdapter;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * A model to export, as files: a DINOv2 checkpoint and, optionally, a PEFT LoRA adapter folder or
 * a fully fine-tuned backbone, a trained head and an upsampling decoder (all {@code
 * .safetensors}); given one by one, or the parts a published version keeps ({@link
 * #ofVersion}). Without a head the model outputs the backbone's features. What {@code
 * bin/medlora export} exports.
 *
 * @param checkpoint the base DINOv2 checkpoint, which the manifest names by file name and SHA-256
 * @param adapter null for none
 * @param head null for a features model
 * @param decoder null for none; needs a segmentation head
 * @param backbone the whole backbone after full fine-tuning, whose weights replace the
 *     checkpoint's; null for none
 */
public record ExportSources(Path checkpoint, Path adapter, Path head, Path decoder, Path backbone) {

  public ExportSources {
    Objects.requireNonNull(checkpoint, "checkpoint");
    if (decoder != null && head == null) {
      throw new IllegalArgumentException("a decoder needs the segmentation head it refines");
    }
    if (adapter != null && backbone != null) {
      throw new IllegalArgumentException(
          "a fully fine-tuned backbone takes no LoRA adapter: give one or the other");
    }
  }

  /** The checkpoint's own backbone, optionally with a LoRA adapter. */
  public ExportSources(Path checkpoint, Path adapter, Path head, Path decoder) {
    this(checkpoint, adapter, head, decoder, null);
  }

  /**
   * The parts the published version in {@code versionDir} ({@code <store>/<task>/<version>})
   * keeps, on the base checkpoint it was trained from: to export it again at another size or
   * precision. Checks the version as the store opens it (manifest, model digest), every kept part
   * against the SHA-256 in its manifest, and {@code checkpoint} against the manifest's backbone.
   *
   * @throws org.medlora.store.CorruptModelException if a file of the version differs from its
   *     manifest
   * @throws IllegalArgumentException if {@code checkpoint} is not the one the version was trained
   *     from, or the version does not keep a part its method needs
   */
  public static ExportSources ofVersion(Path versionDir, Path checkpoint) throws IOException {
    ModelStore store = new ModelStore(versionDir.toAbsolutePath().resolve("../.."));
    PublishedModel version = store.open(versionDir);
    Map<String, Path> parts = store.artifacts(version);
    ModelManifest m = version.manifest();
    BackboneInfo base = m.backbone();
    String sha = DinoV2Checkpoint.fileSha256(checkpoint);
    if (!sha.equals(base.checkpointSha256())) {
      throw new IllegalArgumentException(
          checkpoint + " has sha256 " + sha + ", but " + version.directory() + " was trained from "
              + base.checkpointFile() + " with sha256 " + base.checkpointSha256()
              + " (backbone.checkpoint-sha256 in its manifest.json); pass that checkpoint");
    }
    MethodKind method = m.method().kind();
    Path adapter = null;
    if (method == MethodKind.LORA) {
      required(parts, version, VersionParts.adapterPath(PeftAdapter.CONFIG_FILE));
      required(parts, version, VersionParts.adapterPath(PeftAdapter.WEIGHTS_FILE));
      adapter = version.directory().resolve(VersionParts.ADAPTER_DIR);
    }
    Path backbone = method == MethodKind.FULL ? required(parts, version, VersionParts.BACKBONE) : null;
    Path head = m.kind() == ModelKind.FEATURES ? null : required(parts, version, VersionParts.HEAD);
    return new ExportSources(checkpoint, adapter, head, parts.get(VersionParts.DECODER), backbone);
  }

  /** What the exported model will compute: its head's kind, or features without one. */
  public ModelKind kind() throws IOException {
    return head == null ? ModelKind.FEATURES : HeadFiles.readHead(head).kind();
  }

  private static Path required(Map<String, Path> parts, PublishedModel version, String path) {
    Path file = parts.get(path);
    if (file == null) {
      ModelManifest m = version.manifest();
      throw new IllegalArgumentException(
          version.directory() + " keeps no " + path + ", which its " + m.kind().jsonName() + " model ("
              + m.method().kind().jsonName() + ") needs to be exported again: it was published before "
              + "versions kept their trained parts. Export it from the original files (--adapter, --head, "
              + "--decoder) or train it again");
    }
    return file;
  }

  /**
   * Builds the model at {@code height x width}, verifies its float32 or float16 export and
   * publishes a new version that keeps these parts.
   */
  public PublishedModel publish(String task, int height, int width, ExportPrecision precision, ModelStore store)
      throws IOException, ExportParityException {
    return publish(task, height, width, precision, null, null, store);
  }

  /**
   * As {@link #publish(String, int, int, ExportPrecision, ModelStore)}; an int8 export is also checked
   * on {@code heldOut} against its float32 twin within {@code bounds} (both null for the others).
   */
  public PublishedModel publish(String task, int height, int width, ExportPrecision precision, HeldOutImages heldOut,
      QuantizationBounds bounds, ModelStore store) throws IOException, ExportParityException {
    DinoV2Checkpoint weights = DinoV2Checkpoint.load(backbone == null ? checkpoint : backbone);
    // The manifest names the base checkpoint even when a fine-tuned backbone replaces its weights.
    String checkpointSha256 = backbone == null ? weights.sha256() : DinoV2Checkpoint.fileSha256(checkpoint);
    PeftAdapter lora = adapter == null ? null : PeftAdapter.read(adapter);
    try (NDManager manager = NDManager.newBaseManager()) {
      DinoV2Backbone model = DinoV2Backbone.fromCheckpoint(manager, weights, lora);
      int gh = model.config().gridSize(height);
      int gw = model.config().gridSize(width);
      Predictor predictor;
      List<String> classes = List.of();
      if (head == null) {
        predictor = Predictor.features(model);
      } else {
        HeadFiles.Head h = HeadFiles.readHead(head);
        classes = h.classNames();
        predictor =
            switch (h.kind()) {
              case CLASSIFICATION -> Predictor.classifier(model, h.classifier(manager));
              case SEGMENTATION -> {
                UpsamplingDecoder d =
                    decoder == null ? null : HeadFiles.readDecoder(decoder, manager, height, width, gh, gw);
                yield Predictor.segmenter(model, h.segmenter(manager, gh, gw), d);
              }
              case FEATURES -> throw new IllegalArgumentException(head + " is not a head");
            };
      }
      MethodInfo method;
      if (backbone != null) {
        method = MethodInfo.of(MethodKind.FULL);
      } else if (lora != null) {
        method = MethodInfo.lora(lora.config().rank(), lora.config().alpha(),
            lora.config().targets().stream().sorted().toList(), lora.config().rsLora());
      } else {
        method = MethodInfo.of(head == null ? MethodKind.NONE : MethodKind.LINEAR);
      }
      // Exported by hand: no training request, metrics or data set to record.
      ExportSpec spec = new ExportSpec(task, height, width, classes, checkpoint.getFileName().toString(),
          checkpointSha256, method, null, Map.of(), List.of(), null, precision, heldOut, bounds);
      return ModelPublisher.publish(predictor, spec, store);
    }
  }
}
