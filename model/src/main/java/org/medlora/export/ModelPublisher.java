package org.medlora.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.medlora.backbone.DinoV2Config;
import org.medlora.contracts.BackboneInfo;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.ManifestDraft;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.contracts.QuantizationCheck;
import org.medlora.contracts.VerificationInfo;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * Exports, verifies and publishes one model version, with its manifest and the trained parts it
 * keeps ({@link VersionParts}), to a model store.
 */
public final class ModelPublisher {

  /** Images in the probe batch every export is verified on (two, so the batch axis is tested). */
  static final int PROBE_BATCH = 2;

  private ModelPublisher() {}

  public static PublishedModel publish(Predictor predictor, ExportSpec spec, ModelStore store)
      throws ExportParityException, IOException {
    OnnxExport.Result result =
        OnnxExport.export(predictor, spec.height(), spec.width(), spec.precision(), PROBE_BATCH, 0L,
            metadata(predictor, spec));
    Verification v = result.verification();
    QuantizationCheck quantization =
        spec.precision() != ExportPrecision.INT8 ? null
            : QuantizationVerifier.check(result.fp32(), result.model(), predictor.kind(), spec.classNames().size(),
                spec.height(), spec.width(), spec.heldOut(), spec.bounds());
    DinoV2Config c = predictor.backbone().config();
    ManifestDraft draft =
        new ManifestDraft(
            spec.task(),
            predictor.kind(),
            spec.classNames(),
            PreprocessingSpec.imagenet(spec.height(), spec.width()),
            OnnxNames.INPUT,
            predictor.outputs(spec.height(), spec.width()),
            new BackboneInfo(architecture(c), c.embedDim(), c.depth(), c.numHeads(), c.patchSize(),
                c.numRegisterTokens(), spec.checkpointFile(), spec.checkpointSha256()),
            spec.method(),
            spec.training(),
            spec.metrics(),
            spec.history(),
            spec.dataset(),
            new VerificationInfo(v.maxAbsDiff(), v.tolerance(), v.probeBatch(), v.argmaxMismatches(), quantization),
            spec.precision().jsonName(),
            result.opset(),
            Versions.software(),
            Instant.now());
    // Staged apart and copied in by the store, which digests them and renames them into place
    // with the model, so a failed publish leaves no parts behind.
    Path staging = Files.createTempDirectory("medlora-parts-");
    try {
      Map<String, Path> parts =
          VersionParts.write(staging, predictor, spec.method().kind(), spec.classNames());
      return store.publish(spec.task(), result.model(), draft, parts);
    } finally {
      deleteTree(staging);
    }
  }

  /** Best effort: the outcome is the version (or the failure), not a leftover temporary file. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Left in the temporary folder, where the system cleans up.
    }
  }

  /** A few facts inside the ONNX file too, so a model separated from its manifest still says what it is. */
  private static Map<String, String> metadata(Predictor predictor, ExportSpec spec) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(OnnxNames.META_TASK, spec.task());
    m.put(OnnxNames.META_KIND, predictor.kind().jsonName());
    m.put(OnnxNames.META_CLASS_NAMES, String.join(",", spec.classNames()));
    m.put(OnnxNames.META_INPUT_SIZE, spec.height() + "x" + spec.width());
    m.put(OnnxNames.META_CHECKPOINT_SHA256, spec.checkpointSha256());
    m.put(OnnxNames.META_METHOD, spec.method().kind().jsonName());
    return m;
  }

  /** "dinov2-vits14" and the like for released shapes, a descriptive name otherwise. */
  static String architecture(DinoV2Config c) {
    String size =
        switch (c.embedDim() * 100 + c.depth()) {
          case 384 * 100 + 12 -> "vits";
          case 768 * 100 + 12 -> "vitb";
          case 1024 * 100 + 24 -> "vitl";
          default -> "vit-d" + c.embedDim() + "-l" + c.depth() + "-";
        };
    String reg = c.numRegisterTokens() > 0 ? "-reg" + c.numRegisterTokens() : "";
    return "dinov2-" + size + c.patchSize() + reg;
  }
}
