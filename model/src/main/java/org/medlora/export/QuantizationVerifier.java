package org.medlora.export;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.QuantizationBounds;
import org.medlora.contracts.QuantizationCheck;

/**
 * Checks an int8 export against the float32 graph it was quantized from by what the task needs,
 * on held-out images, and refuses it beyond the bounds with the figures. Segmentation: mean over
 * images of the foreground Dice between the two masks, and the validation Dice of each against
 * the truth. Classification: the share of images with the same top-1 class, and accuracy and
 * macro F1 of each. Logits are not compared: int8 moves them by more than any useful element
 * bound while leaving the answers alone.
 *
 * <p>Each image runs alone, at batch 1: int8 activations are quantized over the whole input
 * tensor, so an image's answer can shift slightly with the images batched beside it, and alone
 * is how it is answered at concurrency 1 and how it can be reproduced.
 */
public final class QuantizationVerifier {

  private QuantizationVerifier() {}

  /**
   * @throws ExportParityException.Int8Refused naming every figure beyond its bound
   * @throws IllegalArgumentException if there are no held-out images
   */
  public static QuantizationCheck check(byte[] fp32, byte[] int8, ModelKind kind, int classes, int height, int width,
      HeldOutImages images, QuantizationBounds bounds) throws IOException, ExportParityException.Int8Refused {
    if (kind == ModelKind.FEATURES) {
      throw new IllegalArgumentException("an int8 features model has no task answers to check: export it at fp32");
    }
    ConfusionMatrix fp32Truth = new ConfusionMatrix(classes);
    ConfusionMatrix int8Truth = new ConfusionMatrix(classes);
    double[] agreement = {0}; // summed per-image Dice (segmentation) or matching top-1 count
    int[] count = {0};
    try (OrtModel a = OrtModel.load(fp32);
        OrtModel b = OrtModel.load(int8)) {
      long[] shape = {1, 3, height, width};
      int pixels = 3 * height * width;
      images.forEach(batch -> {
        int per = batch.truth().length / batch.size(); // 1 label or H x W mask pixels
        for (int i = 0; i < batch.size(); i++) {
          float[] image = Arrays.copyOfRange(batch.pixels(), i * pixels, (i + 1) * pixels);
          byte[] p = answers(kind, a.run(image, shape));
          byte[] q = answers(kind, b.run(image, shape));
          byte[] truth = toBytes(Arrays.copyOfRange(batch.truth(), i * per, (i + 1) * per));
          fp32Truth.addAll(truth, p);
          int8Truth.addAll(truth, q);
          ConfusionMatrix pair = new ConfusionMatrix(classes);
          pair.addAll(p, q);
          agreement[0] += kind == ModelKind.SEGMENTATION ? pair.meanForegroundDice() : pair.accuracy();
          count[0]++;
        }
      });
    }
    if (count[0] == 0) {
      throw new IllegalArgumentException("no held-out images to check the int8 export on (" + images.source() + ")");
    }
    double agree = agreement[0] / count[0];
    Map<String, Double> before = headline(kind, fp32Truth);
    Map<String, Double> after = headline(kind, int8Truth);
    List<String> beyond = new ArrayList<>();
    if (kind == ModelKind.SEGMENTATION && agree < bounds.minDiceVsFp32()) {
      beyond.add(String.format(Locale.ROOT, "mean Dice against the fp32 masks %.4f < %.4f", agree, bounds.minDiceVsFp32()));
    }
    if (kind == ModelKind.CLASSIFICATION && agree < bounds.minTop1Agreement()) {
      beyond.add(String.format(Locale.ROOT, "top-1 agreement with fp32 %.4f < %.4f", agree, bounds.minTop1Agreement()));
    }
    before.forEach((metric, value) -> {
      double drop = value - after.get(metric);
      if (drop > bounds.maxMetricDrop()) {
        beyond.add(String.format(Locale.ROOT, "%s fell from %.4f to %.4f (drop %.4f > %.4f)", metric, value, after.get(metric), drop,
            bounds.maxMetricDrop()));
      }
    });
    if (!beyond.isEmpty()) {
      throw new ExportParityException.Int8Refused("the int8 export answers too differently from fp32 on " + count[0] + " "
          + images.source() + " images: " + String.join("; ", beyond)
          + ". Export at fp32, or loosen the bounds if these figures are acceptable for the task");
    }
    boolean segmentation = kind == ModelKind.SEGMENTATION;
    return new QuantizationCheck(images.source(), count[0], segmentation ? agree : null, segmentation ? null : agree,
        before, after, bounds);
  }

  /** Class per image (top-1 of the logits) or per pixel (the mask output). */
  private static byte[] answers(ModelKind kind, Map<String, OrtModel.Tensor> out) {
    if (kind == ModelKind.SEGMENTATION) {
      return out.get(OnnxNames.MASK).bytes();
    }
    OrtModel.Tensor logits = out.get(OnnxNames.LOGITS);
    int c = (int) logits.shape()[1];
    byte[] top = new byte[(int) logits.shape()[0]];
    for (int i = 0; i < top.length; i++) {
      int best = 0;
      for (int k = 1; k < c; k++) {
        if (logits.floats()[i * c + k] > logits.floats()[i * c + best]) {
          best = k;
        }
      }
      top[i] = (byte) best;
    }
    return top;
  }

  /** The metrics whose drop is bounded, under the training metrics' keys. */
  private static Map<String, Double> headline(ModelKind kind, ConfusionMatrix m) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (kind == ModelKind.SEGMENTATION) {
      metrics.put("dice", m.meanForegroundDice());
    } else {
      metrics.put("accuracy", m.accuracy());
      metrics.put("macro-f1", m.macroF1());
    }
    return metrics;
  }

  private static byte[] toBytes(long[] classes) {
    byte[] b = new byte[classes.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) classes[i];
    }
    return b;
  }
}
