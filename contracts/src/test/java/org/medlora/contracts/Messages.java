package org.medlora.contracts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Complete messages for tests, one per interesting shape. */
final class Messages {

  static final Instant T0 = Instant.parse("2025-06-01T12:34:56.789Z");
  static final String CHECKPOINT = "/models/dinov2-small/model.safetensors";

  private Messages() {}

  /** The brief's smallest request: a BUSI segmenter with every default. */
  static TrainingRequest minimal() {
    return TrainingRequest.minimal("req-1", "busi-lesions", ModelKind.SEGMENTATION,
        DatasetSpec.of("/data/Dataset_BUSI_with_GT", DatasetLayout.BUSI), CHECKPOINT);
  }

  /** A classifier with every field away from its default. */
  static TrainingRequest classification() {
    return new TrainingRequest(
        "2025-06-01_pneumonia.v2",
        "pneumonia",
        ModelKind.CLASSIFICATION,
        List.of("normal", "pneumonia"),
        new DatasetSpec("/data/chest_xray", DatasetLayout.KERMANY, 0.15, -7L, 0.25),
        "/models/dinov2-base/model.safetensors",
        new MethodSpec(MethodKind.LORA, 8, 16.5f,
            List.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V, LoraTarget.PROJ), true),
        new OptimizerSpec(OptimizerKind.SGD, 0.1 + 0.2, 0.0, 0.95, Schedule.LINEAR, 2),
        30,
        16,
        224,
        new AugmentationSpec(false, true, false, 0.3, 0.9),
        true,
        false,
        Pooling.CLS,
        new DecoderSpec(false, 5, 3e-4),
        new ExportOptions(ExportPrecision.INT8, new QuantizationBounds(0.95, 0.02, 0.97)),
        Long.MIN_VALUE);
  }

  /** A lung segmenter that trains the decoder with a Dice loss. */
  static TrainingRequest segmentation() {
    return new TrainingRequest(
        "lungs-001",
        "lungs",
        ModelKind.SEGMENTATION,
        List.of("background", "lung"),
        DatasetSpec.of("/data/lungs", DatasetLayout.IMAGE_MASK_FOLDERS),
        CHECKPOINT,
        new MethodSpec(MethodKind.FULL, 3, 15f, List.of(LoraTarget.Q, LoraTarget.V), false),
        new OptimizerSpec(OptimizerKind.ADAM, 1e-4, 0.05, 0.9, Schedule.CONSTANT, 1),
        40,
        4,
        518,
        AugmentationSpec.DEFAULT,
        false,
        true,
        TrainingRequest.DEFAULT_POOLING,
        new DecoderSpec(true, 25, 1e-4),
        new ExportOptions(ExportPrecision.FP16, QuantizationBounds.DEFAULT),
        Long.MAX_VALUE);
  }

  static List<TrainingRequest> requests() {
    return List.of(minimal(), classification(), segmentation());
  }

  static JobEvent.Accepted accepted() {
    return new JobEvent.Accepted("lungs-001", "lungs", T0, 2, "gpu:0");
  }

  static JobEvent.Progress progress() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("train-loss", 0.1 + 0.2);
    metrics.put("val-dice", 0.9312);
    metrics.put("lr", 1e-4);
    return new JobEvent.Progress(
        "lungs-001", "lungs", T0.plusSeconds(60), "decoder", 3, 25, metrics, 41.5, 1234.25);
  }

  static JobEvent.Completed completed() {
    return JobEvent.Completed.of("lungs-001", 1, T0.plusSeconds(3600), Manifests.segmentation());
  }

  static JobEvent.Failed failed() {
    return new JobEvent.Failed("lungs-001", "lungs", T0, "out of memory at batch size 4", "", 1);
  }

  static JobEvent.Cancelled cancelled() {
    return new JobEvent.Cancelled("lungs-001", "lungs", T0, "wrong data set", 2);
  }

  static List<JobEvent> events() {
    return List.of(accepted(), progress(), completed(), failed(), cancelled());
  }

  static ModelPublished published() {
    return ModelPublished.of(Manifests.segmentation(), T0, "lungs-001");
  }

  /** Published by the CLI: no request. */
  static ModelPublished publishedByCli() {
    return ModelPublished.of(Manifests.features(), T0, null);
  }

  static CancelRequest cancel() {
    return new CancelRequest("lungs-001", "wrong data set");
  }
}
