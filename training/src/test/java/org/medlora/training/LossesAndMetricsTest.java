package org.medlora.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medlora.export.ConfusionMatrix;

/** Losses and metrics against values computed by hand (tolerance 1e-6). */
class LossesAndMetricsTest {

  @Test
  void crossEntropyOfImagesAndPixelsMatchesTheFormula() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = m.create(new float[] {2f, 0f, 0f, 1f}, new Shape(2, 2));
      NDArray labels = m.create(new long[] {0, 1});
      double l0 = -Math.log(Math.exp(2) / (Math.exp(2) + 1));
      double l1 = -Math.log(Math.exp(1) / (Math.exp(1) + 1));
      assertEquals((l0 + l1) / 2, Losses.crossEntropy(logits, labels, null).getFloat(), 1e-6);
      NDArray weights = m.create(new float[] {1f, 3f});
      assertEquals((l0 + 3 * l1) / 4, Losses.crossEntropy(logits, labels, weights).getFloat(), 1e-6);
      // The same two examples as a 1x2 "mask": (B=1, C=2, h=1, w=2).
      NDArray pixelLogits = m.create(new float[] {2f, 0f, 0f, 1f}, new Shape(1, 2, 1, 2));
      NDArray mask = m.create(new long[] {0, 0}, new Shape(1, 1, 2));
      double p0 = -Math.log(Math.exp(2) / (Math.exp(2) + 1));
      double p1 = -Math.log(1 / (1 + Math.exp(1)));
      assertEquals((p0 + p1) / 2, Losses.crossEntropy(pixelLogits, mask, null).getFloat(), 1e-6);
    }
  }

  @Test
  void diceLossIsZeroForAConfidentPerfectPredictionAndCountsForegroundOnly() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray mask = m.create(new long[] {0, 1, 1, 0}, new Shape(1, 2, 2));
      NDArray perfect = m.create(new float[] {50, -50, -50, 50, -50, 50, 50, -50}, new Shape(1, 2, 2, 2));
      assertEquals(0, Losses.dice(perfect, mask).getFloat(), 1e-6);
      NDArray uniform = m.zeros(new Shape(1, 2, 2, 2));
      // p = 0.5 everywhere: (2 * 1 + 1) / (2 + 2 + 1) = 0.6 -> loss 0.4
      assertEquals(0.4, Losses.dice(uniform, mask).getFloat(), 1e-6);
    }
  }

  @Test
  void metricsFromAConfusionMatrix() {
    ConfusionMatrix cm = new ConfusionMatrix(3);
    cm.addAll(new byte[] {0, 0, 1, 1, 2, 2}, new byte[] {0, 1, 1, 1, 2, 0});
    assertEquals(4.0 / 6, cm.accuracy(), 1e-12);
    assertEquals(2.0 * 2 / (4 + 1), cm.f1(1), 1e-12); // tp 2, fp 1, fn 0
    assertEquals(2.0 / 3, cm.f1(2), 1e-12); // tp 1, fp 0, fn 1
    assertEquals((cm.f1(1) + cm.f1(2)) / 2, cm.segmentationMetrics(List.of("bg", "a", "b")).get("dice"), 1e-12);
    assertEquals(0.5, cm.iou(2), 1e-12);
    assertEquals(1.0, new ConfusionMatrix(2).f1(1), "an absent, never-predicted class is perfect");
  }
}
