package org.medlora.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.medlora.contracts.BackboneInfo;
import org.medlora.contracts.DatasetInfo;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.DatasetSpec;
import org.medlora.contracts.LoraTarget;
import org.medlora.contracts.ManifestDraft;
import org.medlora.contracts.MethodInfo;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.contracts.TensorSpec;
import org.medlora.contracts.TrainingRequest;
import org.medlora.contracts.VerificationInfo;

/** Manifest drafts and model bytes for store tests. */
final class Fixtures {

  private Fixtures() {}

  /** A LoRA lung segmenter at {@code size x size}, trained for request {@code lungs-001}. */
  static ManifestDraft segmentation(String task, int size) {
    TrainingRequest request = TrainingRequest.minimal("lungs-001", task, ModelKind.SEGMENTATION,
        DatasetSpec.of("/data/lungs", DatasetLayout.IMAGE_MASK_FOLDERS),
        "/models/model.safetensors");
    return new ManifestDraft(
        task,
        ModelKind.SEGMENTATION,
        List.of("background", "lung"),
        PreprocessingSpec.imagenet(size, size),
        OnnxNames.INPUT,
        List.of(new TensorSpec(OnnxNames.LOGITS, "float32",
            List.of(-1L, 2L, (long) size, (long) size))),
        new BackboneInfo("dinov2-vits14", 384, 12, 6, 14, 0, "model.safetensors", "b".repeat(64)),
        MethodInfo.lora(8, 16f, List.of(LoraTarget.Q, LoraTarget.V), false),
        request,
        Map.of("dice", 0.93),
        List.of(),
        new DatasetInfo(DatasetLayout.IMAGE_MASK_FOLDERS, "c".repeat(64), 120, 30),
        new VerificationInfo(3.5e-6, 1e-4, 4, 0),
        "fp32",
        17,
        Map.of("medlora", "0.1.0"),
        Instant.parse("2025-06-01T12:00:00Z"));
  }

  static ManifestDraft segmentation(String task) {
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
