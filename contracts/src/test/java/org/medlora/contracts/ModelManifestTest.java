package org.medlora.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

  /** The segmentation draft with the given parts replaced. */
  private static ManifestDraft draft(String task, ModelKind kind, List<String> classNames,
      PreprocessingSpec preprocessing, List<TensorSpec> outputs, TrainingRequest training,
      Map<String, Double> metrics) {
    ManifestDraft d = Manifests.segmentationDraft();
    return new ManifestDraft(task, kind, classNames, preprocessing, d.inputName(), outputs,
        d.backbone(), d.method(), training, metrics, d.history(), d.dataset(), d.verification(),
        d.precision(), d.opset(), d.software(), d.createdAt());
  }

  private static ManifestDraft withTask(String task) {
    ManifestDraft d = Manifests.segmentationDraft();
    return draft(task, d.kind(), d.classNames(), d.preprocessing(), d.outputs(), null,
        d.metrics());
  }

  private static ManifestDraft withClasses(ModelKind kind, List<String> classNames) {
    ManifestDraft d = Manifests.segmentationDraft();
    return draft(d.task(), kind, classNames, d.preprocessing(), d.outputs(), null, d.metrics());
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
  void thePublishedManifestIsTheDraftWithTheStoresVersionAndDigest() {
    ManifestDraft draft = Manifests.segmentationDraft();
    ModelManifest v7 = draft.toManifest(7, Manifests.SHA_B);
    assertEquals(7, v7.version());
    assertEquals(Manifests.SHA_B, v7.modelSha256());
    assertEquals(ModelManifest.SCHEMA_VERSION, v7.schemaVersion());
    assertEquals(draft, v7.draft());
    assertEquals(List.of(), v7.artifacts());
    assertEquals(Manifests.segmentation(),
        v7.draft().toManifest(3, Manifests.SHA_A, Manifests.segmentationArtifacts()));
    assertEquals(draft, Manifests.segmentation().draft(), "the draft leaves out what the store records");
  }

  @Test
  void artifactPathsStayInsideTheVersionDirectory() {
    for (String good : List.of("head.safetensors", "adapter/adapter_model.safetensors", "a_b-c.d")) {
      assertEquals(good, new ArtifactInfo(good, Manifests.SHA_A, 1).path());
    }
    for (String bad : List.of("../model.onnx", "adapter/../../x", "/etc/passwd", ".hidden", "a//b",
        "a/", "", "a\\b", "a/./b", "C:x")) {
      String message = refusal(() -> new ArtifactInfo(bad, Manifests.SHA_A, 1));
      assertTrue(message.startsWith("path must be a relative path inside the version directory"), message);
      assertTrue(message.endsWith("got \"" + bad + "\""), message);
    }
    assertEquals("bytes must be >= 0, got -1",
        refusal(() -> new ArtifactInfo("head.safetensors", Manifests.SHA_A, -1)));
  }

  @Test
  void eachArtifactPathOnceAndNoneInsideAnother() {
    ManifestDraft d = Manifests.segmentationDraft();
    ArtifactInfo head = new ArtifactInfo("head.safetensors", Manifests.SHA_A, 1);
    assertEquals("artifacts must name each path once, \"head.safetensors\" appears twice",
        refusal(() -> d.toManifest(1, Manifests.SHA_A, List.of(head, head))));
    assertEquals("artifacts must not hold both the file \"adapter\" and the file "
            + "\"adapter/adapter_config.json\" inside it",
        refusal(() -> d.toManifest(1, Manifests.SHA_A, List.of(
            new ArtifactInfo("adapter", Manifests.SHA_A, 1),
            new ArtifactInfo("adapter/adapter_config.json", Manifests.SHA_A, 1)))));
  }

  @Test
  void versionStartsAtOne() {
    String message = refusal(() -> Manifests.segmentationDraft().toManifest(0, Manifests.SHA_A));
    assertEquals("version must be >= 1, got 0", message);
  }

  @Test
  void digestsMustBe64LowercaseHexCharacters() {
    ManifestDraft d = Manifests.segmentationDraft();
    for (String bad : List.of("A".repeat(64), "a".repeat(63), "g".repeat(64), "")) {
      String message = refusal(() -> d.toManifest(1, bad));
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
  void theTrainingRequestIsForTheManifestsTaskAndKind() {
    ManifestDraft d = Manifests.segmentationDraft();
    assertEquals(Manifests.lungsRequest(), d.training());
    assertNull(Manifests.features().training());
    TrainingRequest other = TrainingRequest.minimal("r", "heart", ModelKind.SEGMENTATION,
        DatasetSpec.of("/data/heart", DatasetLayout.IMAGE_MASK_FOLDERS), Messages.CHECKPOINT);
    assertEquals("training must be a request for this manifest's task lungs and kind "
            + "SEGMENTATION, got task heart and kind SEGMENTATION",
        refusal(() -> draft(d.task(), d.kind(), d.classNames(), d.preprocessing(), d.outputs(),
            other, d.metrics())));
    TrainingRequest classifier = TrainingRequest.minimal("r", "lungs", ModelKind.CLASSIFICATION,
        DatasetSpec.of("/data/lungs", DatasetLayout.BUSI), Messages.CHECKPOINT);
    assertTrue(refusal(() -> draft(d.task(), d.kind(), d.classNames(), d.preprocessing(),
        d.outputs(), classifier, d.metrics())).endsWith("got task lungs and kind CLASSIFICATION"));
  }

  @Test
  void metricsKeepTheCallersOrderAndCannotBeChangedAfterwards() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (String k : List.of("zeta", "alpha", "mid")) {
      metrics.put(k, 1.0);
    }
    ManifestDraft d = Manifests.segmentationDraft();
    ModelManifest copy = draft(d.task(), d.kind(), d.classNames(), d.preprocessing(),
        d.outputs(), d.training(), metrics).toManifest(1, Manifests.SHA_A);
    metrics.put("late", 2.0);
    assertEquals(List.of("zeta", "alpha", "mid"), new ArrayList<>(copy.metrics().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> copy.metrics().put("a", 1.0));
  }

  @Test
  void metricsMustBeFinite() {
    ManifestDraft d = Manifests.segmentationDraft();
    String message = refusal(() -> draft(d.task(), d.kind(), d.classNames(), d.preprocessing(),
        d.outputs(), d.training(), Map.of("dice", Double.NaN)));
    assertEquals("metrics must be finite (leave undefined ones out), got dice=NaN", message);
  }

  @Test
  void everyOutputStartsWithTheDynamicBatch() {
    ManifestDraft d = Manifests.segmentationDraft();
    List<TensorSpec> fixedBatch = List.of(new TensorSpec("logits", "float32", List.of(1L, 2L)));
    String message = refusal(() -> draft(d.task(), d.kind(), d.classNames(), d.preprocessing(),
        fixedBatch, d.training(), d.metrics()));
    assertEquals(
        "output logits must start with the dynamic batch dimension -1, got dims [1, 2]", message);
  }

  @Test
  void inputSizeMustBeAMultipleOfThePatchSize() {
    ManifestDraft d = Manifests.segmentationDraft();
    String message = refusal(() -> draft(d.task(), d.kind(), d.classNames(),
        PreprocessingSpec.imagenet(448, 450), d.outputs(), d.training(), d.metrics()));
    assertEquals(
        "preprocessing size must be a multiple of the patch size 14, got 448x450", message);
  }

  @Test
  void loraFieldsAreSetExactlyForLora() {
    List<LoraTarget> q = List.of(LoraTarget.Q);
    String missing = refusal(() -> new MethodInfo(MethodKind.LORA, 8, 16f, null, false));
    assertTrue(missing.startsWith("method kind lora needs loraRank, loraAlpha, loraTargets"),
        missing);
    String extra = refusal(() -> new MethodInfo(MethodKind.LINEAR, 8, null, null, null));
    assertTrue(extra.startsWith("LoRA fields must be null for method kind linear"), extra);
    assertEquals("loraRank must be >= 1, got 0",
        refusal(() -> MethodInfo.lora(0, 16f, q, false)));
    assertEquals("method kind must not be null", refusal(() -> MethodInfo.of(null)));
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
        refusal(() -> new DatasetInfo(DatasetLayout.BUSI, Manifests.SHA_A, 10, 2, -1, "")));
    assertEquals("skippedSummary must be empty if and only if skippedImages is 0 (got 3), got \"\"",
        refusal(() -> new DatasetInfo(DatasetLayout.BUSI, Manifests.SHA_A, 10, 2, 3, "")));
    assertEquals("skippedSummary must be empty if and only if skippedImages is 0 (got 0), got \"skipped 1\"",
        refusal(() -> new DatasetInfo(DatasetLayout.BUSI, Manifests.SHA_A, 10, 2, 0, "skipped 1")));
    assertEquals("skippedSummary must not be null",
        refusal(() -> new DatasetInfo(DatasetLayout.BUSI, Manifests.SHA_A, 10, 2, 0, null)));
    assertEquals("", new DatasetInfo(DatasetLayout.BUSI, Manifests.SHA_A, 10, 2).skippedSummary());
  }

  @Test
  void verificationNumbersAreFiniteAndInRange() {
    assertEquals("maxAbsDiff must be finite and >= 0.0, got NaN",
        refusal(() -> new VerificationInfo(Double.NaN, 1e-4, 1, 0)));
    assertEquals("tolerance must be finite and > 0, got 0.0",
        refusal(() -> new VerificationInfo(0, 0, 1, 0)));
  }
}
