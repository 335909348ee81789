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

  /** A LoRA lung segmenter with every optional part filled in. */
  static ModelManifest segmentation() {
    Map<String, String> training = new LinkedHashMap<>();
    training.put("epochs", "30");
    training.put("lr", "3e-4");
    training.put("batch-size", "8");
    training.put("augment", "hflip");
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("dice", 0.9312);
    metrics.put("loss", 0.1 + 0.2);
    Map<String, String> software = new LinkedHashMap<>();
    software.put("medlora", "0.1.0");
    software.put("djl", "0.36.0");
    software.put("libtorch", "2.7.1");
    software.put("java", "17.0.15");
    return new ModelManifest(
        "lungs",
        3,
        ModelKind.SEGMENTATION,
        List.of("background", "lung"),
        PreprocessingSpec.imagenet(448, 448),
        "pixel_values",
        List.of(new TensorSpec("logits", "float32", List.of(-1L, 2L, 448L, 448L))),
        backbone(),
        MethodInfo.lora(8, 16f, List.of("q", "v"), false),
        training,
        metrics,
        new DatasetInfo("image-folder", SHA_A, 120, 30, 12,
            "skipped 12 of 162 images: 12 have no mask (e.g. CXR_png/CHNCXR_0003_0.png)"),
        new VerificationInfo(3.5e-6, 1e-4, 4, 0),
        "fp32",
        17,
        SHA_A,
        software,
        Instant.parse("2025-06-01T12:34:56.789Z"));
  }

  /** Features only: no classes, no training, no data set, no adapters. */
  static ModelManifest features() {
    return new ModelManifest(
        "dino-features",
        1,
        ModelKind.FEATURES,
        List.of(),
        PreprocessingSpec.imagenet(224, 224),
        "pixel_values",
        List.of(
            new TensorSpec("cls", "float16", List.of(-1L, 384L)),
            new TensorSpec("patches", "float16", List.of(-1L, 256L, 384L))),
        backbone(),
        MethodInfo.of("none"),
        Map.of(),
        Map.of(),
        null,
        new VerificationInfo(0.0, 1e-2, 1, 0),
        "fp16",
        17,
        SHA_B,
        Map.of(),
        Instant.parse("2025-06-01T00:00:00Z"));
  }
}
