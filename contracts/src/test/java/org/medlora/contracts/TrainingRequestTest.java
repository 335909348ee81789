package org.medlora.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TrainingRequestTest {

  private static String refusal(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  @Test
  void minimalFillsTheDocumentedDefaults() {
    TrainingRequest r = Messages.minimal();
    assertEquals(1, r.schemaVersion());
    assertEquals(List.of(), r.classNames());
    assertEquals(0.2, r.dataset().validationFraction());
    assertEquals(42L, r.dataset().splitSeed());
    assertEquals(0.5, r.dataset().maxSkippedFraction());
    // The seed paper's segmentation setting: LoRA rank 3, alpha 15 on q and v.
    assertEquals(new MethodSpec(MethodKind.LORA, 3, 15f, List.of(LoraTarget.Q, LoraTarget.V),
        false), r.method());
    assertEquals(new OptimizerSpec(OptimizerKind.ADAMW, 1e-3, 0.05, 0.9, Schedule.COSINE, 0),
        r.optimizer());
    assertEquals(20, r.epochs());
    assertEquals(8, r.batchSize());
    assertEquals(448, r.imageSize());
    assertEquals(new AugmentationSpec(true, true, true, 0.5, 1.0), r.augmentation());
    assertFalse(r.classWeighting());
    assertFalse(r.diceLoss());
    assertEquals(Pooling.CLS_AND_MEAN_PATCH, r.pooling());
    assertEquals(new DecoderSpec(false, 20, 1e-4), r.decoder());
    assertEquals(0L, r.seed());
  }

  @Test
  void requestIdsAreUpTo128SafeCharacters() {
    RequestBuilder b = new RequestBuilder();
    for (String good : List.of("a", "2025-06-01_lungs.v2", "A".repeat(128))) {
      b.requestId = good;
      assertEquals(good, b.build().requestId());
    }
    for (String bad : List.of("", "a b", "lungs/1", "é", "..", ".", "A".repeat(129))) {
      b.requestId = bad;
      assertEquals("requestId must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-' "
          + "(not \".\" or \"..\"), got \"" + bad + "\"", refusal(b::build));
    }
    b.requestId = null;
    assertTrue(refusal(b::build).endsWith("got null"));
  }

  @Test
  void featuresModelsCannotBeRequested() {
    RequestBuilder b = new RequestBuilder();
    b.kind = ModelKind.FEATURES;
    String message = refusal(b::build);
    assertTrue(message.startsWith("kind must be CLASSIFICATION or SEGMENTATION, got FEATURES: "),
        message);
    assertTrue(message.contains("bin/medlora export"), message);
  }

  @Test
  void onlySegmentationTrainsADecoderOrUsesDice() {
    RequestBuilder b = new RequestBuilder();
    b.decoder = new DecoderSpec(true, 20, 1e-4);
    assertEquals("decoder.train must be false for a CLASSIFICATION model: the decoder upsamples "
        + "segmentation logits", refusal(b::build));
    b.decoder = DecoderSpec.DEFAULT;
    b.diceLoss = true;
    assertEquals("diceLoss must be false for a CLASSIFICATION model: Dice measures overlapping "
        + "masks", refusal(b::build));
    b.kind = ModelKind.SEGMENTATION;
    b.dataset = DatasetSpec.of("/data/lungs", DatasetLayout.IMAGE_MASK_FOLDERS);
    b.decoder = new DecoderSpec(true, 20, 1e-4);
    assertTrue(b.build().decoder().train());
  }

  @Test
  void imageSizeIsAMultipleOf14From14To1022() {
    RequestBuilder b = new RequestBuilder();
    for (int good : List.of(14, 224, 448, 518, 1022)) {
      b.imageSize = good;
      assertEquals(good, b.build().imageSize());
    }
    for (int bad : List.of(450, 0, -14, 1036, 7)) {
      b.imageSize = bad;
      assertEquals("imageSize must be a multiple of the patch size 14 between 14 and 1022, got "
          + bad, refusal(b::build));
    }
  }

  @Test
  void epochsAndBatchSizeHaveBounds() {
    RequestBuilder b = new RequestBuilder();
    b.epochs = 0;
    assertEquals("epochs must be between 1 and 1000, got 0", refusal(b::build));
    b.epochs = 1001;
    assertEquals("epochs must be between 1 and 1000, got 1001", refusal(b::build));
    b.epochs = 1;
    b.batchSize = 513;
    assertEquals("batchSize must be between 1 and 512, got 513", refusal(b::build));
    assertEquals("epochs must be between 1 and 1000, got 0",
        refusal(() -> new DecoderSpec(true, 0, 1e-4)));
  }

  @Test
  void warmupMustEndBeforeTraining() {
    RequestBuilder b = new RequestBuilder();
    b.epochs = 5;
    b.optimizer = new OptimizerSpec(OptimizerKind.ADAMW, 1e-3, 0.05, 0.9, Schedule.COSINE, 5);
    assertEquals("optimizer.warmupEpochs must be less than epochs (5), got 5", refusal(b::build));
    b.epochs = 6;
    assertEquals(5, b.build().optimizer().warmupEpochs());
  }

  @Test
  void theLayoutMustHoldWhatTheKindNeeds() {
    assertEquals("layout must not be null", refusal(() -> DatasetSpec.of("/data", null)));
    RequestBuilder b = new RequestBuilder();
    b.kind = ModelKind.SEGMENTATION;
    assertEquals("dataset.layout \"kermany\" holds no masks, so it cannot train a SEGMENTATION "
        + "model", refusal(b::build));
    b.kind = ModelKind.CLASSIFICATION;
    b.dataset = DatasetSpec.of("/data/lungs", DatasetLayout.IMAGE_MASK_FOLDERS);
    assertEquals("dataset.layout \"image-mask-folders\" holds no image labels, so it cannot "
        + "train a CLASSIFICATION model", refusal(b::build));
    b.dataset = DatasetSpec.of("/data/busi", DatasetLayout.BUSI);
    assertEquals(DatasetLayout.BUSI, b.build().dataset().layout());
  }

  @Test
  void validationFractionIsStrictlyBetweenZeroAndOne() {
    for (double bad : List.of(0.0, 1.0, -0.1, Double.NaN)) {
      assertEquals("validationFraction must be > 0 and < 1, got " + bad,
          refusal(() -> new DatasetSpec("/data", DatasetLayout.BUSI, bad, 1)));
    }
    assertEquals("location must be a non-blank string, got \" \"",
        refusal(() -> DatasetSpec.of(" ", DatasetLayout.BUSI)));
  }

  @Test
  void maxSkippedFractionIsBetweenZeroAndOneInclusive() {
    for (double bad : List.of(-0.1, 1.5, Double.NaN)) {
      assertEquals("maxSkippedFraction must be >= 0 and <= 1 (the share of images that may be "
              + "skipped; 1 never fails), got " + bad,
          refusal(() -> new DatasetSpec("/data", DatasetLayout.BUSI, 0.2, 1, bad)));
    }
    for (double good : List.of(0.0, 0.5, 1.0)) {
      assertEquals(good, new DatasetSpec("/data", DatasetLayout.BUSI, 0.2, 1, good).maxSkippedFraction());
    }
  }

  @Test
  void cropScalesAreInZeroToOneAndOrdered() {
    assertEquals("cropScaleMin must not exceed the largest crop scale 0.5, got 0.9",
        refusal(() -> new AugmentationSpec(true, true, true, 0.9, 0.5)));
    assertEquals("cropScaleMin must be > 0 and <= 1, got 0.0",
        refusal(() -> new AugmentationSpec(true, true, true, 0.0, 0.5)));
    assertEquals("cropScaleMax must be > 0 and <= 1, got 1.5",
        refusal(() -> new AugmentationSpec(true, true, true, 0.5, 1.5)));
    assertEquals(0.7, new AugmentationSpec(false, false, true, 0.7, 0.7).cropScaleMax());
  }

  @Test
  void optimizerNamesSchedulesAndNumbersAreChecked() {
    OptimizerKind adamw = OptimizerKind.ADAMW;
    Schedule cosine = Schedule.COSINE;
    assertEquals("name must not be null",
        refusal(() -> new OptimizerSpec(null, 1e-3, 0.05, 0.9, cosine, 0)));
    assertEquals("learningRate must be finite and > 0, got -1.0",
        refusal(() -> new OptimizerSpec(adamw, -1, 0.05, 0.9, cosine, 0)));
    assertEquals("learningRate must be finite and > 0, got 0.0",
        refusal(() -> new OptimizerSpec(adamw, 0, 0.05, 0.9, cosine, 0)));
    assertEquals("weightDecay must be finite and >= 0.0, got -0.01",
        refusal(() -> new OptimizerSpec(adamw, 1e-3, -0.01, 0.9, cosine, 0)));
    assertEquals(0.0, new OptimizerSpec(adamw, 1e-3, 0, 0.9, cosine, 0).weightDecay());
    assertEquals("momentum must be >= 0 and < 1, got 1.0",
        refusal(() -> new OptimizerSpec(OptimizerKind.SGD, 1e-3, 0, 1.0, cosine, 0)));
    assertEquals("schedule must not be null",
        refusal(() -> new OptimizerSpec(OptimizerKind.SGD, 1e-3, 0, 0.9, null, 0)));
    assertEquals("learningRate must be finite and > 0, got Infinity",
        refusal(() -> new DecoderSpec(true, 20, Double.POSITIVE_INFINITY)));
  }

  @Test
  void loraTargetsAreDistinctAndAtLeastOne() {
    String allowed = "must be distinct maps from [q, k, v, proj, fc1, fc2], at least one, got ";
    List<LoraTarget> q = List.of(LoraTarget.Q);
    assertEquals("loraTargets " + allowed + "[q, q]", refusal(() -> new MethodSpec(
        MethodKind.LORA, 3, 15f, List.of(LoraTarget.Q, LoraTarget.Q), false)));
    assertEquals("loraTargets " + allowed + "[]",
        refusal(() -> new MethodSpec(MethodKind.LORA, 3, 15f, List.of(), false)));
    assertEquals("kind must be one of [linear, lora, full], got \"none\"",
        refusal(() -> new MethodSpec(MethodKind.NONE, 3, 15f, q, false)));
    assertEquals("loraRank must be >= 1, got 0",
        refusal(() -> new MethodSpec(MethodKind.LORA, 0, 15f, q, false)));
    assertEquals("loraAlpha must be finite and > 0, got NaN",
        refusal(() -> new MethodSpec(MethodKind.LORA, 3, Float.NaN, q, false)));
  }

  @Test
  void theMethodBecomesTheManifestsMethodInfo() {
    List<LoraTarget> qv = List.of(LoraTarget.Q, LoraTarget.V);
    assertEquals(MethodInfo.lora(3, 15f, qv, false), MethodSpec.DEFAULT.toMethodInfo());
    assertEquals(MethodInfo.of(MethodKind.LINEAR),
        new MethodSpec(MethodKind.LINEAR, 3, 15f, qv, false).toMethodInfo());
  }

  @Test
  void classNamesAreEmptyOrAtLeastTwoDistinct() {
    RequestBuilder b = new RequestBuilder();
    b.classNames = List.of("pneumonia");
    assertEquals("classNames must be empty (derived from the data set) or hold >= 2 classes, got "
        + "[pneumonia]", refusal(b::build));
    b.classNames = List.of("a", "b", "a");
    assertTrue(refusal(b::build).contains("\"a\" appears twice"));
    List<String> mutable = new ArrayList<>(List.of("normal", "pneumonia"));
    b.classNames = mutable;
    TrainingRequest r = b.build();
    mutable.add("late");
    assertEquals(List.of("normal", "pneumonia"), r.classNames());
  }

  @Test
  void theCheckpointIsASafetensorsFile() {
    RequestBuilder b = new RequestBuilder();
    b.checkpoint = "/models/dinov2_vits14_pretrain.pth";
    assertEquals("checkpoint must be the path of a .safetensors file (convert a .pth checkpoint "
        + "first, see the README), got \"/models/dinov2_vits14_pretrain.pth\"",
        refusal(b::build));
    b.checkpoint = " ";
    assertEquals("checkpoint must be a non-blank string, got \" \"", refusal(b::build));
  }

  @Test
  void poolingIsRequired() {
    RequestBuilder b = new RequestBuilder();
    b.pooling = null;
    assertEquals("pooling must not be null", refusal(b::build));
  }

  @Test
  void tasksFollowTheManifestRule() {
    RequestBuilder b = new RequestBuilder();
    b.task = "Lungs";
    assertEquals("task must be 1 to 64 characters of a-z, 0-9 and '-', got \"Lungs\"",
        refusal(b::build));
  }
}
