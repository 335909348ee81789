package org.medlora.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.Pooling;
import org.medlora.contracts.QuantizationBounds;
import org.medlora.contracts.QuantizationCheck;
import org.medlora.heads.ClassificationHead;
import org.medlora.heads.SegmentationHead;
import org.medlora.lora.PeftAdapter;
import org.medlora.testing.ReferenceFixture;

/**
 * The task-level check of int8 exports on the tiny random-weight fixture: held-out images whose
 * truth is the float32 model's own answer, so the float32 metrics are perfect and every figure
 * is known; and a graph that answers differently, which must be refused with its figures.
 */
class QuantizationVerifierTest {

  private static final int SIZE = 112;
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(21);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private DinoV2Backbone backbone() throws IOException {
    return DinoV2Backbone.fromCheckpoint(manager, DinoV2Checkpoint.load(ReferenceFixture.file("weights_hf.safetensors")),
        (PeftAdapter) null);
  }

  private Predictor segmenter() throws IOException {
    SegmentationHead head = new SegmentationHead(64, 3, SIZE / 14, SIZE / 14);
    head.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
    return Predictor.segmenter(backbone(), head, null);
  }

  private Predictor classifier(long seed) throws IOException {
    Engine.getInstance().setRandomSeed((int) seed);
    ClassificationHead head = new ClassificationHead(64, 3, Pooling.CLS_AND_MEAN_PATCH);
    head.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
    return Predictor.classifier(backbone(), head);
  }

  /** Standard-normal images labelled by the float32 model itself. */
  private static HeldOutImages labelledBy(byte[] fp32, ModelKind kind, int images) {
    return new HeldOutImages() {
      @Override
      public String source() {
        return "given";
      }

      @Override
      public void forEach(BatchConsumer consumer) throws IOException {
        Random random = new Random(5);
        try (OrtModel model = OrtModel.load(fp32)) {
          for (int b = 0; b < images; b += 2) {
            float[] pixels = new float[2 * 3 * SIZE * SIZE];
            for (int i = 0; i < pixels.length; i++) {
              pixels[i] = (float) random.nextGaussian();
            }
            Map<String, OrtModel.Tensor> out = model.run(pixels, new long[] {2, 3, SIZE, SIZE});
            long[] truth;
            if (kind == ModelKind.SEGMENTATION) {
              byte[] mask = out.get(OnnxNames.MASK).bytes();
              truth = new long[mask.length];
              for (int i = 0; i < mask.length; i++) {
                truth[i] = mask[i];
              }
            } else {
              float[] p = out.get(OnnxNames.PROBABILITIES).floats();
              truth = new long[2];
              for (int i = 0; i < 2; i++) {
                truth[i] = argmax(p, i * 3, 3);
              }
            }
            consumer.accept(new Batch(pixels, 2, truth));
          }
        }
      }
    };
  }

  private static int argmax(float[] v, int from, int n) {
    int best = 0;
    for (int k = 1; k < n; k++) {
      best = v[from + k] > v[from + best] ? k : best;
    }
    return best;
  }

  @Test
  void anInt8SegmenterKeepsTheFp32MasksAndTheCheckSaysBy() throws Exception {
    OnnxExport.Result export = OnnxExport.export(segmenter(), SIZE, SIZE, ExportPrecision.INT8, 2, 1, Map.of());
    QuantizationCheck check = QuantizationVerifier.check(export.fp32(), export.model(), ModelKind.SEGMENTATION, 3,
        SIZE, SIZE, labelledBy(export.fp32(), ModelKind.SEGMENTATION, 6), QuantizationBounds.DEFAULT);
    assertEquals(6, check.images());
    assertEquals("given", check.heldOut());
    assertNull(check.top1Agreement());
    assertEquals(1.0, check.fp32Metrics().get("dice"), 1e-12, "the truth is the fp32 masks");
    assertTrue(check.diceVsFp32() >= 0.98 && check.diceVsFp32() < 1, "int8 changes a few pixels, no more: " + check);
    // With fp32's masks as truth, the int8 Dice against the truth is the pooled Dice against fp32.
    assertTrue(1 - check.int8Metrics().get("dice") <= 0.01, check.toString());
  }

  @Test
  void anInt8ClassifierAgreesOnTopOneAndKeepsAccuracyAndF1() throws Exception {
    OnnxExport.Result export = OnnxExport.export(classifier(3), SIZE, SIZE, ExportPrecision.INT8, 2, 1, Map.of());
    QuantizationCheck check = QuantizationVerifier.check(export.fp32(), export.model(), ModelKind.CLASSIFICATION, 3,
        SIZE, SIZE, labelledBy(export.fp32(), ModelKind.CLASSIFICATION, 8), QuantizationBounds.DEFAULT);
    assertNull(check.diceVsFp32());
    assertEquals(1.0, check.top1Agreement(), "8 images: one flip would be 87.5%, under the 99% bound");
    assertEquals(Map.of("accuracy", 1.0, "macro-f1", check.fp32Metrics().get("macro-f1")), check.int8Metrics());
  }

  @Test
  void aModelThatAnswersDifferentlyIsRefusedWithItsFigures() throws Exception {
    // Another classifier's graph stands in for a broken quantization: other weights, other answers.
    byte[] fp32 = OnnxExport.export(classifier(3), SIZE, SIZE, ExportPrecision.FP32, 2, 1, Map.of()).model();
    byte[] other = OnnxExport.export(classifier(4), SIZE, SIZE, ExportPrecision.FP32, 2, 1, Map.of()).model();
    ExportParityException e = assertThrows(ExportParityException.Int8Refused.class,
        () -> QuantizationVerifier.check(fp32, other, ModelKind.CLASSIFICATION, 3, SIZE, SIZE,
            labelledBy(fp32, ModelKind.CLASSIFICATION, 8), QuantizationBounds.DEFAULT));
    String m = e.getMessage();
    assertTrue(m.startsWith("the int8 export answers too differently from fp32 on 8 given images: top-1 agreement "
        + "with fp32 0."), m);
    assertTrue(m.contains("< 0.9900") && m.contains("accuracy fell from 1.0000 to 0.") && m.contains("Export at fp32"), m);
  }
}
