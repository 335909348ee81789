package org.medlora.export;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medlora.backbone.DinoV2Config;
import org.medlora.contracts.BackboneInfo;
import org.medlora.contracts.ManifestDraft;
import org.medlora.contracts.OnnxNames;
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
            spec.dataset(),
            new VerificationInfo(v.maxAbsDiff(), v.tolerance(), v.probeBatch(), v.argmaxMismatches()),
            spec.precision().manifestName(),
            OnnxGraph.OPSET,
            Versions.software(),
            Instant.now());
    return store.publish(spec.task(), result.model(), draft);
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
