package org.medlora.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.testing.VersionAssert.assertKeeps;
import static org.medlora.testing.VersionAssert.assertSameOutputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.QuantizationBounds;
import org.medlora.contracts.QuantizationCheck;
import org.medlora.export.ConfusionMatrix;
import org.medlora.onnx.OnnxGraph;
import org.medlora.contracts.DecoderSpec;
import org.medlora.contracts.EpochRecord;
import org.medlora.contracts.LoraTarget;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.contracts.TrainingRequest;
import org.medlora.data.Augmentation;
import org.medlora.data.Dataset;
import org.medlora.data.DatasetException;
import org.medlora.data.DatasetReader;
import org.medlora.data.Example;
import org.medlora.data.ExampleLoader;
import org.medlora.data.Sample;
import org.medlora.data.Split;
import org.medlora.export.ExportSources;
import org.medlora.export.OrtModel;
import org.medlora.lora.LoraConfig;
import org.medlora.lora.PeftAdapter;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.testing.ReferenceFixture;
import org.medlora.testing.SyntheticTasks;

/**
 * Whole training runs on synthetic phantoms with fixture A's tiny random-weight backbone. The
 * stated bars are what a linear probe on such random features reaches with margin (measured:
 * lung Dice 0.61 vs 0.36 after one epoch; pneumonia macro-F1 0.69 vs 0.42 for always-pneumonia).
 * What a run publishes is checked apart from DJL: its {@code model.onnx}, read back from the
 * store, runs in ONNX Runtime on the same images and must score what the manifest says.
 */
class TrainingRunTest {

  @TempDir static Path dir;
  static Path lungs;
  static Path pneumonia;
  static Path busi;

  @BeforeAll
  static void data() throws Exception {
    lungs = SyntheticTasks.write(SyntheticDatasets.Kind.LUNG_XRAY, 40, 1, dir);
    pneumonia = SyntheticTasks.write(SyntheticDatasets.Kind.PNEUMONIA_XRAY, 60, 2, dir);
    busi = SyntheticTasks.write(SyntheticDatasets.Kind.BREAST_ULTRASOUND, 30, 3, dir);
  }

  /** Records progress events. */
  static final class Recorder implements TrainingRun.Listener {
    final List<String> phases = new ArrayList<>();
    final List<Map<String, Double>> metrics = new ArrayList<>();

    @Override
    public void progress(String phase, int epoch, int total, Map<String, Double> m, double seconds, double eta) {
      phases.add(phase + " " + epoch + "/" + total);
      metrics.add(m);
    }
  }

  private static TrainingRun.Outcome run(TrainingRequest request, Path store) throws Exception {
    return run(request, store, new Recorder());
  }

  private static TrainingRun.Outcome run(TrainingRequest request, Path store, Recorder recorder) throws Exception {
    return new TrainingRun(request, new ModelStore(store), recorder, () -> false).run();
  }

  /**
   * Asserts that the published model, run in ONNX Runtime on the un-augmented validation images
   * (and Kermany's test images), gives the metrics its manifest records. Segmentation metrics may
   * differ by a few pixels whose top two logits tie within float noise; counts per image may not.
   */
  private static void assertThePublishedModelScoresItsManifestsMetrics(TrainingRequest request, Path store,
      TrainingRun.Outcome outcome) throws IOException {
    PublishedModel published = new ModelStore(store).open(outcome.published().task(), outcome.published().version());
    ModelManifest manifest = published.manifest();
    var data = request.dataset();
    Dataset dataset = DatasetReader.read(Path.of(data.location()), data.layout(), request.kind());
    Map<String, List<Sample>> splits = new LinkedHashMap<>();
    splits.put("", Split.of(dataset.samples(), data.validationFraction(), data.splitSeed()).validation());
    if (!dataset.testSamples().isEmpty()) {
      splits.put("test-", dataset.testSamples());
    }
    double tolerance = request.kind() == ModelKind.SEGMENTATION ? 1e-3 : 1e-12;
    try (OrtModel onnx = OrtModel.load(Files.readAllBytes(published.modelFile()))) {
      for (Map.Entry<String, List<Sample>> split : splits.entrySet()) {
        Map<String, Double> recomputed = onnxMetrics(onnx, manifest, split.getValue());
        recomputed.forEach((name, value) -> {
          String key = split.getKey() + name;
          assertTrue(manifest.metrics().containsKey(key), "the manifest records " + key);
          assertEquals(manifest.metrics().get(key), value, tolerance, key + " of the published model.onnx");
        });
      }
    }
  }

  /** The metrics of an ONNX model on samples, from its outputs alone. */
  private static Map<String, Double> onnxMetrics(OrtModel onnx, ModelManifest manifest, List<Sample> samples)
      throws IOException {
    PreprocessingSpec pre = manifest.preprocessing();
    List<String> classes = manifest.classNames();
    ConfusionMatrix confusion = new ConfusionMatrix(classes.size());
    ExampleLoader loader = new ExampleLoader();
    for (Sample sample : samples) {
      Example e = loader.load(sample, pre, Augmentation.NONE, new Random(0));
      Map<String, OrtModel.Tensor> out = onnx.run(e.pixels(), new long[] {1, 3, pre.height(), pre.width()});
      if (manifest.kind() == ModelKind.SEGMENTATION) {
        confusion.addAll(e.mask(), out.get(OnnxNames.MASK).bytes());
      } else {
        float[] p = out.get(OnnxNames.PROBABILITIES).floats();
        int predicted = 0;
        for (int c = 1; c < p.length; c++) {
          predicted = p[c] > p[predicted] ? c : predicted;
        }
        confusion.add(e.label(), predicted);
      }
    }
    return manifest.kind() == ModelKind.SEGMENTATION
        ? confusion.segmentationMetrics(classes)
        : confusion.classificationMetrics(classes);
  }

  @Test
  void aLinearProbeLearnsToSegmentLungs() throws Exception {
    var request = SyntheticTasks.request("lungs-linear", "lungs", "segmentation", lungs, "image-mask-folders",
        "\"method\": {\"kind\": \"linear\"}, \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": 30");
    Recorder recorder = new Recorder();
    TrainingRun.Outcome outcome = run(request, dir.resolve("store"), recorder);
    assertTrue(outcome.metrics().get("dice") > 0.5, "lung Dice " + outcome.metrics().get("dice"));
    assertEquals(30, recorder.phases.size());
    assertTrue(recorder.metrics.get(0).get("dice") < outcome.metrics().get("dice"), "it learned");
    ModelManifest manifest = outcome.published().manifest();
    assertEquals(request, manifest.training(), "the manifest keeps the request as it came");
    assertEquals("lungs-linear", manifest.training().requestId());
    assertEquals(MethodKind.LINEAR, manifest.method().kind());
    assertEquals(List.of("background", "lung"), manifest.classNames());
    assertEquals(130.0, outcome.metrics().get("trainable-params"), "a 64 -> 2 linear head");
    // 40 images, of which 5 Shenzhen-style ones lack a mask: said once, and kept in the manifest.
    assertEquals(5, manifest.dataset().skippedImages());
    String summary = manifest.dataset().skippedSummary();
    assertTrue(summary.startsWith("skipped 5 of 40 images: 5 have no mask (e.g. CXR_png/CHNCXR_0003_"), summary);
    assertEquals(summary, outcome.problems().get(0));
    assertEquals(1, outcome.problems().stream().filter(p -> p.contains("no mask")).count(), "not one per file");
    assertThePublishedModelScoresItsManifestsMetrics(request, dir.resolve("store"), outcome);
    assertKeeps(outcome.published(), "head.safetensors"); // the backbone is the checkpoint's
  }

  @Test
  void aLinearProbeLearnsToClassifyPneumoniaAndReportsTheTestSet() throws Exception {
    var request = SyntheticTasks.request("pneumonia-linear", "pneumonia", "classification", pneumonia, "kermany",
        "\"method\": {\"kind\": \"linear\"}, \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": 30");
    TrainingRun.Outcome outcome = run(request, dir.resolve("store"));
    assertTrue(outcome.metrics().get("macro-f1") > 0.6, "macro-F1 " + outcome.metrics().get("macro-f1"));
    assertTrue(outcome.metrics().containsKey("test-accuracy"), "Kermany's test split is evaluated apart");
    assertThePublishedModelScoresItsManifestsMetrics(request, dir.resolve("store"), outcome);
  }

  @Test
  void loraWithTheDecoderStageRunsToAVerifiedModel() throws Exception {
    // At this learning rate two decoder epochs change the masks (pixel accuracy 0.06 -> 0.22), so
    // a published model without its decoder would not score the manifest's metrics.
    var request = SyntheticTasks.request("busi-lora", "busi", "segmentation", busi, "busi",
        "\"method\": {\"kind\": \"lora\", \"lora-rank\": 2, \"lora-alpha\": 4}, \"epochs\": 2, \"class-weighting\": true,"
            + " \"dice-loss\": true, \"decoder\": {\"train\": true, \"epochs\": 2, \"learning-rate\": 0.001}");
    Recorder recorder = new Recorder();
    TrainingRun.Outcome outcome = run(request, dir.resolve("store"), recorder);
    assertEquals(List.of("train 1/2", "train 2/2", "decoder 1/2", "decoder 2/2"), recorder.phases);
    ModelManifest manifest = outcome.published().manifest();
    assertEquals(2, manifest.method().loraRank());
    assertEquals(List.of("background", "benign", "malignant"), manifest.classNames());
    assertEquals(request, manifest.training());
    assertEquals(new DecoderSpec(true, 2, 0.001), manifest.training().decoder());
    assertEquals(List.of(LoraTarget.Q, LoraTarget.V), manifest.method().loraTargets());
    assertEquals(2L * 2 * 2 * 64 * 2 + 3 * 65, outcome.metrics().get("trainable-params"), 1e-9,
        "q and v adapters in 2 blocks, plus the head");
    assertThePublishedModelScoresItsManifestsMetrics(request, dir.resolve("store"), outcome);

    // Every epoch of both phases, as progress reported it; the last is the final metrics.
    List<EpochRecord> history = manifest.history();
    assertEquals(recorder.phases, history.stream().map(e -> e.phase() + " " + e.epoch() + "/2").toList());
    for (int i = 0; i < history.size(); i++) {
      assertEquals(recorder.metrics.get(i), history.get(i).metrics(), "epoch " + i);
      assertTrue(history.get(i).seconds() > 0, "epoch " + i + " took time");
    }
    assertTrue(history.get(0).metrics().keySet().containsAll(List.of("train-loss", "val-loss", "dice")));
    Map<String, Double> last = history.get(3).metrics();
    assertTrue(last.containsKey("decoder-train-loss"), last.toString());
    last.forEach((name, value) -> assertEquals(manifest.metrics().get(name), value, 0.0, name));

    // The version keeps what it was made from: the adapter in PEFT's format, the head, the decoder.
    PublishedModel trained = outcome.published();
    assertKeeps(trained, "adapter/adapter_config.json", "adapter/adapter_model.safetensors", "decoder.safetensors",
        "head.safetensors");
    Path adapter = trained.directory().resolve("adapter");
    assertEquals(LoraConfig.queryValue(2, 4f), PeftAdapter.read(adapter).config());
    assertTrue(SafetensorsFile.read(adapter.resolve("adapter_model.safetensors")).names()
        .contains("base_model.model.encoder.layer.1.attention.attention.value.lora_B.weight"), "PEFT's key names");
    // Re-applied to the base checkpoint and exported from the version folder: the same model.
    Path checkpoint = ReferenceFixture.file("weights_meta.safetensors");
    PublishedModel again = ExportSources.ofVersion(trained.directory(), checkpoint)
        .publish("busi-again", SyntheticTasks.IMAGE_SIZE, SyntheticTasks.IMAGE_SIZE, ExportPrecision.FP32,
            new ModelStore(dir.resolve("store")));
    assertSameOutputs(trained, again, ExportPrecision.FP32.tolerance());
    assertEquals(manifest.method(), again.manifest().method());
    assertEquals(trained.manifest().artifacts(), again.manifest().artifacts(), "the very same parts");
  }

  @Test
  void fullFineTuningRunsAndTheSameSeedGivesTheSameModel() throws Exception {
    String extra = "\"method\": {\"kind\": \"full\"}, \"optimizer\": {\"name\": \"sgd\", \"learning-rate\": 0.01,"
        + " \"schedule\": \"linear\", \"weight-decay\": 0}, \"epochs\": 2, \"seed\": 7";
    Recorder recorder = new Recorder();
    var first = run(SyntheticTasks.request("full-1", "lungs-full", "segmentation", lungs, "image-mask-folders", extra),
        dir.resolve("store-a"), recorder);
    var second = run(SyntheticTasks.request("full-1", "lungs-full", "segmentation", lungs, "image-mask-folders", extra),
        dir.resolve("store-b"));
    // Identical runs would agree trivially if training changed nothing: the weights do change.
    assertNotEquals(recorder.metrics.get(0).get("val-loss"), recorder.metrics.get(1).get("val-loss"), "it trained");
    assertEquals(first.metrics().get("val-loss"), second.metrics().get("val-loss"), "deterministic on CPU");
    assertEquals(first.published().manifest().modelSha256(), second.published().manifest().modelSha256(),
        "bit-identical exported weights");
    assertEquals(first.published().manifest().artifacts(), second.published().manifest().artifacts(),
        "bit-identical kept parts");

    // The fine-tuned backbone is kept whole, since nothing else could export the version again.
    assertKeeps(first.published(), "backbone.safetensors", "head.safetensors");
    PublishedModel again = ExportSources.ofVersion(first.published().directory(),
            ReferenceFixture.file("weights_meta.safetensors"))
        .publish("lungs-full-again", SyntheticTasks.IMAGE_SIZE, SyntheticTasks.IMAGE_SIZE, ExportPrecision.FP32,
            new ModelStore(dir.resolve("store-a")));
    assertSameOutputs(first.published(), again, ExportPrecision.FP32.tolerance());
  }

  @Test
  void anInt8ExportIsCheckedOnTheValidationSplitAndTheManifestRecordsTheFigures() throws Exception {
    var request = SyntheticTasks.request("lungs-int8", "lungs-int8", "segmentation", lungs, "image-mask-folders",
        "\"method\": {\"kind\": \"linear\"}, \"optimizer\": {\"learning-rate\": 0.05}, \"epochs\": 10,"
            + " \"export\": {\"precision\": \"int8\"}");
    TrainingRun.Outcome outcome = run(request, dir.resolve("store"));
    ModelManifest manifest = outcome.published().manifest();
    assertEquals("int8", manifest.precision());
    QuantizationCheck check = manifest.verification().quantization();
    assertEquals("validation", check.heldOut());
    assertEquals(manifest.dataset().validationCount(), check.images());
    assertEquals(QuantizationBounds.DEFAULT, check.bounds());
    assertTrue(check.diceVsFp32() >= 0.98 && check.diceVsFp32() <= 1, check.toString());
    assertNull(check.top1Agreement());
    // The float32 graph's validation Dice is the trained model's; int8 stays within the bound of it.
    assertEquals(outcome.metrics().get("dice"), check.fp32Metrics().get("dice"), 1e-3);
    assertTrue(check.fp32Metrics().get("dice") - check.int8Metrics().get("dice") <= 0.01, check.toString());
    // What was published is the int8 graph, and it scores the check's int8 Dice.
    byte[] model = Files.readAllBytes(outcome.published().modelFile());
    ai.onnx.proto.OnnxMl.ModelProto graph = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(model);
    assertTrue(graph.getGraph().getNodeList().stream()
        .anyMatch(n -> n.getOpType().equals("MatMulInteger")), "integer matrix products");
    // with the fused Attention op, at the opset the manifest records
    assertEquals(OnnxGraph.ATTENTION_OPSET, graph.getOpsetImport(0).getVersion());
    assertEquals(OnnxGraph.ATTENTION_OPSET, manifest.opset());
    try (OrtModel onnx = OrtModel.load(model)) {
      var data = request.dataset();
      Dataset dataset = DatasetReader.read(Path.of(data.location()), data.layout(), request.kind());
      List<Sample> validation = Split.of(dataset.samples(), data.validationFraction(), data.splitSeed()).validation();
      assertEquals(check.int8Metrics().get("dice"), onnxMetrics(onnx, manifest, validation).get("dice"), 1e-9);
    }
  }

  @Test
  void prefetchingBatchesTrainsTheSameWeightsBitForBit() throws Exception {
    // LoRA with flips and random crops: every epoch reads and augments images afresh.
    String extra = "\"method\": {\"kind\": \"lora\", \"lora-rank\": 2}, \"epochs\": 2, \"seed\": 3";
    var request = SyntheticTasks.request("lungs-prefetch", "lungs-prefetch", "segmentation", lungs, "image-mask-folders",
        extra);
    var inline = new TrainingRun(request, new ModelStore(dir.resolve("store-inline")), new Recorder(), () -> false)
        .prefetch(0).run();
    var ahead = new TrainingRun(request, new ModelStore(dir.resolve("store-ahead")), new Recorder(), () -> false)
        .prefetch(3).run();
    assertEquals(inline.published().manifest().artifacts(), ahead.published().manifest().artifacts(),
        "bit-identical adapter and head");
    assertEquals(inline.published().manifest().modelSha256(), ahead.published().manifest().modelSha256());
    assertEquals(inline.metrics().get("val-loss"), ahead.metrics().get("val-loss"));
  }

  @Test
  void aDataSetThatLosesMostImagesFailsUnlessTheRequestAllowsIt() throws Exception {
    Path sparse = SyntheticTasks.write(SyntheticDatasets.Kind.LUNG_XRAY, 12, 4, dir.resolve("sparse"));
    // 12 images, 2 of them without masks; without 6 more masks, 8 of 12 are skipped.
    try (Stream<Path> masks = Files.list(sparse.resolve("masks"))) {
      for (Path m : masks.sorted().limit(6).toList()) {
        Files.delete(m);
      }
    }
    var request = SyntheticTasks.request("sparse-lungs", "lungs-sparse", "segmentation", sparse, "image-mask-folders",
        "\"method\": {\"kind\": \"linear\"}, \"epochs\": 1");
    Path store = dir.resolve("store-sparse");
    DatasetException e = assertThrows(DatasetException.class, () -> run(request, store));
    String message = e.getMessage();
    assertTrue(message.startsWith(sparse + ": skipped 8 of 12 images: 8 have no mask (e.g. CXR_png/CHNCXR_0001_"), message);
    assertTrue(message.contains("more than dataset.max-skipped-fraction 0.5 allows. Fix the folders"), message);
    assertTrue(message.endsWith("or raise dataset.max-skipped-fraction in the request to train on the 4 images left"),
        message);
    assertTrue(new ModelStore(store).tasks().isEmpty(), "nothing published");

    String allowing = MessageCodec.toJson(request).replace("\"max-skipped-fraction\":0.5", "\"max-skipped-fraction\":0.7");
    var outcome = run(MessageCodec.fromJson(allowing, TrainingRequest.class), store);
    assertEquals(8, outcome.published().manifest().dataset().skippedImages());
  }

  @Test
  void aCancelledRunStopsBetweenBatchesAndPublishesNothing() throws Exception {
    var request = SyntheticTasks.request("cancel-me", "lungs-cancel", "segmentation", lungs, "image-mask-folders",
        "\"method\": {\"kind\": \"lora\"}, \"epochs\": 5");
    AtomicInteger checks = new AtomicInteger();
    Path store = dir.resolve("store-cancel");
    Recorder recorder = new Recorder();
    var run = new TrainingRun(request, new ModelStore(store), recorder, () -> checks.incrementAndGet() > 3);
    TrainingCancelledException e = assertThrows(TrainingCancelledException.class, run::run);
    assertTrue(e.getMessage().contains("cancel-me"), e.getMessage());
    assertEquals(List.of(), recorder.phases, "stopped between the first epoch's batches");
    assertTrue(new ModelStore(store).tasks().isEmpty(), "nothing published");
  }
}
