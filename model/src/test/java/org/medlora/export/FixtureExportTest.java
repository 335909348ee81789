package org.medlora.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.testing.ReferenceFixture.input;
import static org.medlora.testing.ReferenceFixture.output;
import static org.medlora.testing.TensorAssert.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.Pooling;
import org.medlora.heads.ClassificationHead;
import org.medlora.heads.SegmentationHead;
import org.medlora.heads.UpsamplingDecoder;
import org.medlora.lora.PeftAdapter;
import org.medlora.onnx.OnnxGraph;
import org.medlora.safetensors.FloatTensor;
import org.medlora.testing.FixtureLora;
import org.medlora.testing.ReferenceFixture;

/**
 * Fixture A through export: ONNX Runtime's outputs of each exported model against the official
 * DINOv2 code's, within 1e-4, with and without the fixture's LoRA.
 */
class FixtureExportTest {

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private DinoV2Backbone backbone(PeftAdapter lora) throws Exception {
    DinoV2Checkpoint ckpt = DinoV2Checkpoint.load(ReferenceFixture.file("weights_hf.safetensors"));
    return DinoV2Backbone.fromCheckpoint(manager, ckpt, lora);
  }

  private Map<String, OrtModel.Tensor> runExport(Predictor p, String inputName) throws Exception {
    OnnxExport.Result result = OnnxExport.export(p, 224, 224, ExportPrecision.FP32, 2, 7, Map.of());
    assertTrue(result.verification().maxAbsDiff() <= ExportPrecision.FP32.tolerance(), result.verification().toString());
    FloatTensor x = input(inputName);
    return OnnxExport.run(result.model(), manager.create(x.data(), new Shape(x.shape())));
  }

  @Test
  void featuresMatchTheReference() throws Exception {
    var out = runExport(Predictor.features(backbone(null)), "pixel_values");
    assertClose(output("x_norm_clstoken").data(), out.get("x_norm_clstoken").floats(), 1e-4, "x_norm_clstoken");
    assertClose(output("x_norm_patchtokens").data(), out.get("x_norm_patchtokens").floats(), 1e-4, "x_norm_patchtokens");
  }

  @Test
  void mergedLoraFeaturesMatchTheReferenceLoraOutputs() throws Exception {
    DinoV2Backbone adapted = backbone(FixtureLora.adapter());
    var out = runExport(Predictor.features(adapted), "pixel_values");
    assertClose(output("lora.x_norm_clstoken").data(), out.get("x_norm_clstoken").floats(), 1e-4, "lora cls");
    assertClose(output("lora.x_norm_patchtokens").data(), out.get("x_norm_patchtokens").floats(), 1e-4, "lora patches");
    assertTrue(adapted.loraAdapters().values().stream().noneMatch(a -> a.isMerged()), "export leaves the adapters live");
  }

  @Test
  void classifierGivesReferenceLogitsAndProbabilities() throws Exception {
    ClassificationHead head = new ClassificationHead(64, 3, Pooling.CLS_AND_MEAN_PATCH);
    head.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
    head.weight().getArray().set(ReferenceFixture.tensor("heads.safetensors", "head_clsavg.weight").data());
    head.bias().getArray().set(ReferenceFixture.tensor("heads.safetensors", "head_clsavg.bias").data());
    var out = runExport(Predictor.classifier(backbone(null), head), "pixel_values");
    FloatTensor logits = output("heads.clsavg_logits");
    assertClose(logits.data(), out.get("logits").floats(), 1e-4, "logits");
    NDArray expected = manager.create(logits.data(), new Shape(logits.shape())).softmax(1);
    assertClose(expected.toFloatArray(), out.get("probabilities").floats(), 1e-5, "probabilities");
  }

  /** A 3-class segmenter at 224x224 with a decoder whose weights look trained. */
  private Predictor segmenterWithDecoder() throws Exception {
    SegmentationHead head = new SegmentationHead(64, 3, 16, 16);
    head.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
    UpsamplingDecoder decoder = new UpsamplingDecoder(3, UpsamplingDecoder.DEFAULT_CHANNELS);
    decoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224), new Shape(1, 3, 16, 16));
    // A non-zero output convolution, as after training, so the decoder's path counts.
    decoder.getParameters().values().forEach(p -> p.getArray().set(manager.randomNormal(p.getShape()).mul(0.1f).toFloatArray()));
    return Predictor.segmenter(backbone(null), head, decoder);
  }

  @Test
  void aSegmenterWithATrainedDecoderExportsAndVerifies() throws Exception {
    OnnxExport.Result result = OnnxExport.export(segmenterWithDecoder(), 224, 224, ExportPrecision.FP32, 2, 3, Map.of());
    assertTrue(result.verification().maxAbsDiff() <= ExportPrecision.FP32.tolerance(), result.verification().toString());
    assertEquals(0, result.verification().argmaxMismatches());
  }

  @Test
  void weightsAreStoredInTheLayoutTheirOperatorsReadAndInt8ProductsAreInteger() throws Exception {
    OnnxExport.Result result = OnnxExport.export(segmenterWithDecoder(), 224, 224, ExportPrecision.INT8, 2, 3, Map.of());
    // The fused attention is int8's alone; its float32 twin stays at the opset every server runs.
    assertEquals(OnnxGraph.ATTENTION_OPSET, result.opset());
    assertEquals(OnnxGraph.ATTENTION_OPSET, ModelProto.parseFrom(result.model()).getOpsetImport(0).getVersion());
    assertEquals(OnnxGraph.OPSET, ModelProto.parseFrom(result.fp32()).getOpsetImport(0).getVersion());
    for (byte[] bytes : List.of(result.fp32(), result.model())) {
      GraphProto graph = ModelProto.parseFrom(bytes).getGraph();
      Set<String> constants = graph.getInitializerList().stream().map(TensorProto::getName).collect(Collectors.toSet());
      List<String> transposedConstants = graph.getNodeList().stream()
          .filter(n -> n.getOpType().equals("Transpose") && constants.contains(n.getInput(0)))
          .map(n -> n.getInput(0)).toList();
      assertEquals(List.of(), transposedConstants, "no initializer is transposed at run time");
    }
    Map<String, Long> int8Ops = ModelProto.parseFrom(result.model()).getGraph().getNodeList().stream()
        .collect(Collectors.groupingBy(NodeProto::getOpType, Collectors.counting()));
    // 2 blocks x (q, k, v, proj, fc1, fc2); 8 decoder convolutions; attention's products and the heads stay float
    assertEquals(12L, int8Ops.get("MatMulInteger"), int8Ops.toString());
    assertEquals(2L, int8Ops.get("Attention"), "one fused attention per block: " + int8Ops);
    assertEquals(8L, int8Ops.get("ConvInteger"), int8Ops.toString());
    assertTrue(result.model().length < 0.5 * result.fp32().length, "int8 weights: "
        + result.model().length + " bytes vs " + result.fp32().length);
  }

  /**
   * Opset 23's fused Attention (int8 exports) against the separate operators at opset 17 (fp32
   * and fp16 exports), on the fixture segmenter. float32: within 1e-5, only the order of float
   * sums differs. int8: the quantized graph is not bit-stable under such reorderings (ONNX
   * Runtime also quantizes q, k and v's input on another path), so the fused one must stay as
   * close to float32 as the separate one: mean and max logit error within 10% of its.
   */
  @Test
  void fusedAttentionGivesTheAnswersOfTheSeparateOperators() throws Exception {
    Predictor segmenter = fixtureSegmenter();
    FloatTensor x = input("png_pixel_values");
    NDArray pixels = manager.create(x.data(), new Shape(x.shape()));
    float[] fp32 = logits(segmenter, OnnxGraph.Arithmetic.FP32, OnnxGraph.OPSET, pixels);
    assertClose(fp32, logits(segmenter, OnnxGraph.Arithmetic.FP32, OnnxGraph.ATTENTION_OPSET, pixels), 1e-5, "fp32");

    float[] separate = logits(segmenter, OnnxGraph.Arithmetic.INT8, OnnxGraph.OPSET, pixels);
    float[] fused = logits(segmenter, OnnxGraph.Arithmetic.INT8, OnnxGraph.ATTENTION_OPSET, pixels);
    double[] separateError = error(separate, fp32);
    double[] fusedError = error(fused, fp32);
    assertTrue(separateError[0] > 1e-4, "really quantized: " + separateError[0]);
    for (int i = 0; i < 2; i++) {
      assertTrue(fusedError[i] <= 1.1 * separateError[i], (i == 0 ? "mean" : "max") + " int8 error against fp32: fused "
          + fusedError[i] + ", separate " + separateError[i]);
    }
  }

  private static float[] logits(Predictor p, OnnxGraph.Arithmetic arithmetic, int opset, NDArray pixels) {
    ModelProto model = OnnxExport.emit(p, 224, 224, arithmetic, opset, Map.of());
    assertEquals(opset == OnnxGraph.ATTENTION_OPSET,
        model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Attention")), "fused exactly at opset 23");
    return OnnxExport.run(model.toByteArray(), pixels).get("logits").floats();
  }

  /** Mean and max absolute difference. */
  private static double[] error(float[] actual, float[] expected) {
    double sum = 0;
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      double d = Math.abs(actual[i] - expected[i]);
      sum += d;
      max = Math.max(max, d);
    }
    return new double[] {sum / actual.length, max};
  }

  @Test
  void anFp16ExportStaysWithinItsStatedBoundOfTheFp32Model() throws Exception {
    DinoV2Backbone adapted = backbone(FixtureLora.adapter());
    OnnxExport.Result fp16 = OnnxExport.export(Predictor.features(adapted), 224, 224, ExportPrecision.FP16, 2, 7, Map.of());
    OnnxExport.Result fp32 = OnnxExport.export(Predictor.features(adapted), 224, 224, ExportPrecision.FP32, 2, 7, Map.of());
    double diff = fp16.verification().maxAbsDiff();
    assertTrue(diff <= ExportPrecision.FP16.tolerance() && diff > ExportPrecision.FP32.tolerance(),
        "fp16 differs by " + diff + ": within its bound, and really fp16");
    assertTrue(fp16.model().length < 0.6 * fp32.model().length, "half-size weights");
    for (OnnxExport.Result r : List.of(fp16, fp32)) {
      // Also served on CUDA, where ONNX Runtime 1.23 has no kernel for opset 23's Attention.
      ModelProto model = ModelProto.parseFrom(r.model());
      assertEquals(OnnxGraph.OPSET, r.opset());
      assertEquals(OnnxGraph.OPSET, model.getOpsetImport(0).getVersion());
      assertEquals(8, model.getIrVersion());
      assertTrue(model.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Attention")),
          "separate attention operators");
    }
  }

  /** The fixture's backbone with its 3-class linear segmentation head, at 224x224. */
  private Predictor fixtureSegmenter() throws Exception {
    SegmentationHead head = new SegmentationHead(64, 3, 16, 16);
    head.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
    head.weight().getArray().set(ReferenceFixture.tensor("heads.safetensors", "head_seg.weight").data());
    head.bias().getArray().set(ReferenceFixture.tensor("heads.safetensors", "head_seg.bias").data());
    return Predictor.segmenter(backbone(null), head, null);
  }

  @Test
  void segmenterGivesReferenceFullResolutionLogitsAndMask() throws Exception {
    var out = runExport(fixtureSegmenter(), "png_pixel_values");
    assertClose(output("png.heads.seg_logits").data(), out.get("logits").floats(), 1e-4, "png seg logits");
    byte[] expected = ReferenceFixture.bytes("outputs.safetensors", "png.heads.seg_argmax");
    byte[] ambiguous = ReferenceFixture.bytes("outputs.safetensors", "png.heads.seg_argmax_ambiguous");
    byte[] mask = out.get("mask").bytes();
    assertEquals(expected.length, mask.length);
    for (int i = 0; i < mask.length; i++) {
      if (ambiguous[i] == 0) {
        assertEquals(expected[i], mask[i], "mask pixel " + i);
      }
    }
  }
}
