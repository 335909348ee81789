package org.medlora.contracts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Complete manifests for tests, one per interesting shape. */
final class Manifests {

  static final String SHA_A = "a".repeat(64);
  static final String SHA_B = "0123456789abcdef".repeat(4);

  private Manifests() {}

  static BackboneInfo backbone() {
    return new BackboneInfo("dinov2-vits14", 384, 12, 6, 14, 0, "model.safetensors", SHA_B);
  }

  /** The request {@link #segmentation()} was trained for. */
  static TrainingRequest lungsRequest() {
    return new TrainingRequest(
        "lungs-001",
        "lungs",
        ModelKind.SEGMENTATION,
        List.of(),
        DatasetSpec.of("/data/lungs", DatasetLayout.IMAGE_MASK_FOLDERS),
        Messages.CHECKPOINT,
        new MethodSpec(MethodKind.LORA, 8, 16f, List.of(LoraTarget.Q, LoraTarget.V), false),
        new OptimizerSpec(OptimizerKind.ADAMW, 3e-4, 0.05, 0.9, Schedule.COSINE, 0),
        30,
        8,
        448,
        new AugmentationSpec(true, false, false, 0.5, 1.0),
        false,
        true,
        Pooling.CLS,
        DecoderSpec.DEFAULT,
        new ExportOptions(ExportPrecision.INT8, QuantizationBounds.DEFAULT),
        7);
  }

  /** {@link #segmentation()} before the store gave it a version and a digest. */
  static ManifestDraft segmentationDraft() {
    TrainingRequest request = lungsRequest();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("dice", 0.9312);
    metrics.put("loss", 0.1 + 0.2);
    metrics.put("trainable-params", 56066.0);
    Map<String, String> software = new LinkedHashMap<>();
    software.put("medlora", "0.1.0");
    software.put("djl", "0.36.0");
    software.put("libtorch", "2.7.1");
    software.put("java", "17.0.15");
    return new ManifestDraft(
        "lungs",
        ModelKind.SEGMENTATION,
        List.of("background", "lung"),
        PreprocessingSpec.imagenet(448, 448),
        OnnxNames.INPUT,
        List.of(new TensorSpec(OnnxNames.LOGITS, "float32", List.of(-1L, 2L, 448L, 448L))),
        backbone(),
        request.method().toMethodInfo(),
        request,
        metrics,
        List.of(epoch(1, 12.5, 0.61, 0.42, 0.88), epoch(2, 11.75, 0.35, 0.3, 0.9312)),
        new DatasetInfo(DatasetLayout.IMAGE_MASK_FOLDERS, SHA_A, 120, 30, 12,
            "skipped 12 of 162 images: 12 have no mask (e.g. CXR_png/CHNCXR_0003_0.png)"),
        new VerificationInfo(3.5e-6, 1e-4, 4, 0,
            new QuantizationCheck("validation", 30, 0.9957, null, Map.of("dice", 0.9312),
                Map.of("dice", 0.9301), QuantizationBounds.DEFAULT)),
        "int8",
        17,
        software,
        Instant.parse("2025-06-01T12:34:56.789Z"));
  }

  /** One epoch of the training phase, its metrics in the order the trainer reports them. */
  private static EpochRecord epoch(int epoch, double seconds, double trainLoss, double valLoss, double dice) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("train-loss", trainLoss);
    metrics.put("val-loss", valLoss);
    metrics.put("dice", dice);
    return new EpochRecord("train", epoch, seconds, metrics);
  }

  /** What the store kept beside {@link #segmentation()}'s model: its adapter and head. */
  static List<ArtifactInfo> segmentationArtifacts() {
    return List.of(
        new ArtifactInfo("adapter/adapter_config.json", SHA_A, 412),
        new ArtifactInfo("adapter/adapter_model.safetensors", SHA_B, 74_112),
        new ArtifactInfo("head.safetensors", "fedcba9876543210".repeat(4), 3_240));
  }

  /** A LoRA lung segmenter, exported at int8, with every optional part filled in. */
  static ModelManifest segmentation() {
    return segmentationDraft().toManifest(3, SHA_A, segmentationArtifacts());
  }

  /** Features only, exported by hand: no classes, no request, no data set, no adapters. */
  static ModelManifest features() {
    return new ManifestDraft(
            "dino-features",
            ModelKind.FEATURES,
            List.of(),
            PreprocessingSpec.imagenet(224, 224),
            OnnxNames.INPUT,
            List.of(
                new TensorSpec(OnnxNames.CLS_TOKEN, "float16", List.of(-1L, 384L)),
                new TensorSpec(OnnxNames.PATCH_TOKENS, "float16", List.of(-1L, 256L, 384L))),
            backbone(),
            MethodInfo.of(MethodKind.NONE),
            null,
            Map.of(),
            List.of(),
            null,
            new VerificationInfo(0.0, 1e-2, 1, 0),
            "fp16",
            17,
            Map.of(),
            Instant.parse("2025-06-01T00:00:00Z"))
        .toManifest(1, SHA_B);
  }
}
