package org.medlora.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ModelManifestTest {

  private static String refusal(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  private static ModelManifest withTask(String task) {
    ModelManifest m = Manifests.segmentation();
    return new ModelManifest(task, m.version(), m.kind(), m.classNames(), m.preprocessing(),
        m.inputName(), m.outputs(), m.backbone(), m.method(), m.training(), m.metrics(),
        m.dataset(), m.verification(), m.precision(), m.opset(), m.modelSha256(), m.software(),
        m.createdAt());
  }

  private static ModelManifest withClasses(ModelKind kind, List<String> classNames) {
    ModelManifest m = Manifests.segmentation();
    return new ModelManifest(m.task(), m.version(), kind, classNames, m.preprocessing(),
        m.inputName(), m.outputs(), m.backbone(), m.method(), m.training(), m.metrics(),
        m.dataset(), m.verification(), m.precision(), m.opset(), m.modelSha256(), m.software(),
        m.createdAt());
  }

  @Test
  void taskNamesAreLowercaseLettersDigitsAndDashesUpTo64() {
    assertEquals("chest-xray-2", withTask("chest-xray-2").task());
    assertEquals(64, withTask("a".repeat(64)).task().length());
    for (String bad : List.of("Lungs", "", "lungs/left", "..", "lung_seg", "a".repeat(65))) {
      String message = refusal(() -> withTask(bad));
      assertTrue(message.contains("task must be 1 to 64 characters of a-z, 0-9 and '-'"), message);
      assertTrue(message.contains("\"" + bad + "\""), message);
    }
    assertTrue(refusal(() -> withTask(null)).contains("got null"));
  }

  @Test
  void versionStartsAtOne() {
    String message = refusal(() -> Manifests.segmentation().withVersion(0));
    assertEquals("version must be >= 1, got 0", message);
  }

  @Test
  void classifiersAndSegmentersNeedTwoClassesAndFeatureModelsNone() {
    String one = refusal(() -> withClasses(ModelKind.CLASSIFICATION, List.of("pneumonia")));
    assertEquals(
        "classNames must hold >= 2 classes for a CLASSIFICATION model, got [pneumonia]", one);
    String seg = refusal(() -> withClasses(ModelKind.SEGMENTATION, List.of()));
    assertTrue(seg.contains("(background first)"), seg);
    String features = refusal(() -> withClasses(ModelKind.FEATURES, List.of("a", "b")));
    assertEquals("classNames must be empty for a FEATURES model, got [a, b]", features);
    String twice = refusal(() -> withClasses(ModelKind.CLASSIFICATION, List.of("a", "b", "a")));
    assertTrue(twice.contains("\"a\" appears twice"), twice);
  }

  @Test
  void digestsMustBe64LowercaseHexCharacters() {
    ModelManifest m = Manifests.segmentation();
    for (String bad : List.of("A".repeat(64), "a".repeat(63), "g".repeat(64), "")) {
      String message = refusal(() -> m.withModelSha256(bad));
      assertEquals(
          "modelSha256 must be 64 lowercase hex characters (a SHA-256 digest), got \"" + bad
              + "\"",
          message);
    }
    String checkpoint =
        refusal(() -> new BackboneInfo("dinov2-vits14", 384, 12, 6, 14, 0, "m.safetensors", "x"));
    assertTrue(checkpoint.startsWith("checkpointSha256 must be 64 lowercase hex"), checkpoint);
  }

  @Test
  void withVersionAndWithModelSha256ReturnChangedCopies() {
    ModelManifest m = Manifests.segmentation();
    ModelManifest v7 = m.withVersion(7);
    assertEquals(7, v7.version());
    assertEquals(3, m.version());
    assertEquals(m, v7.withVersion(3));
    ModelManifest other = m.withModelSha256(Manifests.SHA_B);
    assertEquals(Manifests.SHA_B, other.modelSha256());
    assertEquals(Manifests.SHA_A, m.modelSha256());
    assertNotEquals(m, other);
  }

  @Test
  void mapsKeepTheCallersOrderAndCannotBeChangedAfterwards() {
    Map<String, String> training = new LinkedHashMap<>();
    for (String k : List.of("zeta", "alpha", "mid")) {
      training.put(k, k.toUpperCase());
    }
    ModelManifest m = Manifests.segmentation();
    ModelManifest copy = new ModelManifest(m.task(), 1, m.kind(), m.classNames(),
        m.preprocessing(), m.inputName(), m.outputs(), m.backbone(), m.method(), training,
        m.metrics(), m.dataset(), m.verification(), m.precision(), m.opset(), m.modelSha256(),
        m.software(), m.createdAt());
    training.put("late", "x");
    assertEquals(List.of("zeta", "alpha", "mid"), new ArrayList<>(copy.training().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> copy.training().put("a", "b"));
  }

  @Test
  void metricsMustBeFinite() {
    ModelManifest m = Manifests.segmentation();
    String message = refusal(() -> new ModelManifest(m.task(), 1, m.kind(), m.classNames(),
        m.preprocessing(), m.inputName(), m.outputs(), m.backbone(), m.method(), m.training(),
        Map.of("dice", Double.NaN), m.dataset(), m.verification(), m.precision(), m.opset(),
        m.modelSha256(), m.software(), m.createdAt()));
    assertEquals("metrics must be finite (leave undefined ones out), got dice=NaN", message);
  }

  @Test
  void everyOutputStartsWithTheDynamicBatch() {
    ModelManifest m = Manifests.segmentation();
    List<TensorSpec> fixedBatch = List.of(new TensorSpec("logits", "float32", List.of(1L, 2L)));
    String message = refusal(() -> new ModelManifest(m.task(), 1, m.kind(), m.classNames(),
        m.preprocessing(), m.inputName(), fixedBatch, m.backbone(), m.method(), m.training(),
        m.metrics(), m.dataset(), m.verification(), m.precision(), m.opset(), m.modelSha256(),
        m.software(), m.createdAt()));
    assertEquals(
        "output logits must start with the dynamic batch dimension -1, got dims [1, 2]", message);
  }

  @Test
  void inputSizeMustBeAMultipleOfThePatchSize() {
    ModelManifest m = Manifests.segmentation();
    String message = refusal(() -> new ModelManifest(m.task(), 1, m.kind(), m.classNames(),
        PreprocessingSpec.imagenet(448, 450), m.inputName(), m.outputs(), m.backbone(),
        m.method(), m.training(), m.metrics(), m.dataset(), m.verification(), m.precision(),
        m.opset(), m.modelSha256(), m.software(), m.createdAt()));
    assertEquals(
        "preprocessing size must be a multiple of the patch size 14, got 448x450", message);
  }

  @Test
  void loraFieldsAreSetExactlyForLora() {
    String missing = refusal(() -> new MethodInfo("lora", 8, 16f, null, false));
    assertTrue(missing.startsWith("method kind lora needs loraRank, loraAlpha, loraTargets"),
        missing);
    String extra = refusal(() -> new MethodInfo("linear", 8, null, null, null));
    assertTrue(extra.startsWith("LoRA fields must be null for method kind linear"), extra);
    assertEquals("loraRank must be >= 1, got 0",
        refusal(() -> MethodInfo.lora(0, 16f, List.of("q"), false)));
    assertEquals("method kind must be one of [linear, lora, full, none], got \"qlora\"",
        refusal(() -> MethodInfo.of("qlora")));
  }

  @Test
  void checkpointFileIsANameNotAPath() {
    String message = refusal(
        () -> new BackboneInfo("dinov2-vits14", 384, 12, 6, 14, 0, "/home/me/m.safetensors",
            Manifests.SHA_A));
    assertEquals("checkpointFile must be a file name without directories, got "
        + "\"/home/me/m.safetensors\"", message);
  }

  @Test
  void tensorDimsArePositiveOrMinusOne() {
    assertEquals("dims of tensor x must be >= 1, or -1 for a dynamic size, got [-1, 0]",
        refusal(() -> new TensorSpec("x", "float32", List.of(-1L, 0L))));
    assertEquals(
        "dtype of tensor x must be one of [float32, float16, int64, uint8], got \"double\"",
        refusal(() -> new TensorSpec("x", "double", List.of(-1L))));
  }

  @Test
  void skippedImagesComeWithTheirSummaryAndNoneWithoutOne() {
    assertEquals("skippedImages must be >= 0, got -1",
        refusal(() -> new DatasetInfo("busi", Manifests.SHA_A, 10, 2, -1, "")));
    assertEquals("skippedSummary must be empty if and only if skippedImages is 0 (got 3), got \"\"",
        refusal(() -> new DatasetInfo("busi", Manifests.SHA_A, 10, 2, 3, "")));
    assertEquals("skippedSummary must be empty if and only if skippedImages is 0 (got 0), got \"skipped 1\"",
        refusal(() -> new DatasetInfo("busi", Manifests.SHA_A, 10, 2, 0, "skipped 1")));
    assertEquals("skippedSummary must not be null",
        refusal(() -> new DatasetInfo("busi", Manifests.SHA_A, 10, 2, 0, null)));
    assertEquals("", new DatasetInfo("busi", Manifests.SHA_A, 10, 2).skippedSummary());
  }

  @Test
  void verificationNumbersAreFiniteAndInRange() {
    assertEquals("maxAbsDiff must be finite and >= 0.0, got NaN",
        refusal(() -> new VerificationInfo(Double.NaN, 1e-4, 1, 0)));
    assertEquals("tolerance must be finite and > 0, got 0.0",
        refusal(() -> new VerificationInfo(0, 0, 1, 0)));
  }
}
