package org.medlora.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medlora.contracts.BackboneInfo;
import org.medlora.contracts.DatasetInfo;
import org.medlora.contracts.MethodInfo;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.contracts.TensorSpec;
import org.medlora.contracts.VerificationInfo;

/** Manifests and model bytes for store tests. */
final class Fixtures {

  /** What a caller might pass before the store sets the real digest. */
  static final String PLACEHOLDER_SHA = "0".repeat(64);

  private Fixtures() {}

  /** A LoRA lung segmenter at {@code size x size}, with a version the store must overwrite. */
  static ModelManifest segmentation(String task, int size) {
    Map<String, String> training = new LinkedHashMap<>();
    training.put("epochs", "30");
    training.put("lr", "3e-4");
    return new ModelManifest(
        task,
        99,
        ModelKind.SEGMENTATION,
        List.of("background", "lung"),
        PreprocessingSpec.imagenet(size, size),
        "pixel_values",
        List.of(new TensorSpec("logits", "float32", List.of(-1L, 2L, (long) size, (long) size))),
        new BackboneInfo("dinov2-vits14", 384, 12, 6, 14, 0, "model.safetensors", "b".repeat(64)),
        MethodInfo.lora(8, 16f, List.of("q", "v"), false),
        training,
        Map.of("dice", 0.93),
        new DatasetInfo("image-folder", "c".repeat(64), 120, 30),
        new VerificationInfo(3.5e-6, 1e-4, 4, 0),
        "fp32",
        17,
        PLACEHOLDER_SHA,
        Map.of("medlora", "0.1.0"),
        Instant.parse("2025-06-01T12:00:00Z"));
  }

  static ModelManifest segmentation(String task) {
    return segmentation(task, 448);
  }

  /** Bytes that differ per seed, standing in for an ONNX file (the store never parses it). */
  static byte[] model(int seed, int length) {
    byte[] b = new byte[length];
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < length; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }

  static byte[] model(int seed) {
    return model(seed, 4096);
  }

  /** Computed here with the JDK alone, independently of the store's own hashing. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
