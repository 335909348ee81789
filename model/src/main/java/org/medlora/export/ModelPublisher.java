package org.medlora.export;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medlora.backbone.DinoV2Config;
import org.medlora.contracts.BackboneInfo;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.contracts.VerificationInfo;
import org.medlora.onnx.OnnxGraph;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/** Exports, verifies and publishes one model version, with its manifest, to a model store. */
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
    DinoV2Config c = predictor.backbone().config();
    ModelManifest manifest =
        new ModelManifest(
            spec.task(),
            1, // the store assigns the real version
            predictor.kind(),
            spec.classNames(),
            PreprocessingSpec.imagenet(spec.height(), spec.width()),
            Predictor.INPUT,
            predictor.outputs(spec.height(), spec.width()),
            new BackboneInfo(architecture(c), c.embedDim(), c.depth(), c.numHeads(), c.patchSize(),
                c.numRegisterTokens(), spec.checkpointFile(), spec.checkpointSha256()),
            spec.method(),
            spec.training(),
            spec.metrics(),
            spec.dataset(),
            new VerificationInfo(v.maxAbsDiff(), v.tolerance(), v.probeBatch(), v.argmaxMismatches()),
            spec.precision().manifestName(),
            OnnxGraph.OPSET,
            "0".repeat(64), // the store sets the digest of what it wrote
            Versions.software(),
            Instant.now());
    return store.publish(spec.task(), result.model(), manifest);
  }

  /** A few facts inside the ONNX file too, so a model separated from its manifest still says what it is. */
  private static Map<String, String> metadata(Predictor predictor, ExportSpec spec) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("medlora.task", spec.task());
    m.put("medlora.kind", predictor.kind().name().toLowerCase());
    m.put("medlora.class_names", String.join(",", spec.classNames()));
    m.put("medlora.input_size", spec.height() + "x" + spec.width());
    m.put("medlora.checkpoint_sha256", spec.checkpointSha256());
    m.put("medlora.method", spec.method().kind());
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
