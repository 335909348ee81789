package org.medlora.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of (true class, predicted class) over images or pixels, and the metrics the seed paper
 * reports, all derived from it: accuracy, macro F1, per-class Dice (excluding background for
 * segmentation) and mean IoU. Not thread-safe; one per evaluation.
 */
public final class ConfusionMatrix {

  private final int classes;
  private final long[] counts; // [truth * classes + predicted]

  public ConfusionMatrix(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("a confusion matrix needs at least 2 classes, got " + classes);
    }
    this.classes = classes;
    this.counts = new long[classes * classes];
  }

  public void add(int truth, int predicted) {
    counts[check(truth) * classes + check(predicted)]++;
  }

  /** Adds element-wise pairs, e.g. a mask and its prediction. */
  public void addAll(byte[] truth, byte[] predicted) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException("truth has " + truth.length + " values, prediction " + predicted.length);
    }
    for (int i = 0; i < truth.length; i++) {
      add(Byte.toUnsignedInt(truth[i]), Byte.toUnsignedInt(predicted[i]));
    }
  }

  private int check(int c) {
    if (c < 0 || c >= classes) {
      throw new IllegalArgumentException("class index " + c + " outside [0, " + classes + ")");
    }
    return c;
  }

  public long count(int truth, int predicted) {
    return counts[truth * classes + predicted];
  }

  public long total() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  public double accuracy() {
    long correct = 0;
    for (int c = 0; c < classes; c++) {
      correct += count(c, c);
    }
    return total() == 0 ? 0 : (double) correct / total();
  }

  /** F1 of one class; equal to its Dice coefficient. 1 when the class is absent and never predicted. */
  public double f1(int c) {
    long tp = count(c, c);
    long fp = 0;
    long fn = 0;
    for (int o = 0; o < classes; o++) {
      if (o != c) {
        fp += count(o, c);
        fn += count(c, o);
      }
    }
    long denominator = 2 * tp + fp + fn;
    return denominator == 0 ? 1 : 2.0 * tp / denominator;
  }

  public double iou(int c) {
    long tp = count(c, c);
    long union = -tp;
    for (int o = 0; o < classes; o++) {
      union += count(o, c) + count(c, o);
    }
    return union == 0 ? 1 : (double) tp / union;
  }

  /** Mean F1 over all classes (classification's macro F1). */
  public double macroF1() {
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += f1(c);
    }
    return sum / classes;
  }

  /** Mean Dice over the foreground classes 1..C-1, as the paper reports for segmentation. */
  public double meanForegroundDice() {
    double sum = 0;
    for (int c = 1; c < classes; c++) {
      sum += f1(c);
    }
    return sum / (classes - 1);
  }

  public double meanIou() {
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += iou(c);
    }
    return sum / classes;
  }

  /** The classification metrics under stable keys: accuracy, macro-f1, f1-<class>. */
  public Map<String, Double> classificationMetrics(List<String> classNames) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", accuracy());
    m.put("macro-f1", macroF1());
    for (int c = 0; c < classes; c++) {
      m.put("f1-" + classNames.get(c), f1(c));
    }
    return m;
  }

  /** The segmentation metrics: dice (foreground mean), dice-<class> per foreground class, mean-iou, pixel-accuracy. */
  public Map<String, Double> segmentationMetrics(List<String> classNames) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("dice", meanForegroundDice());
    for (int c = 1; c < classes; c++) {
      m.put("dice-" + classNames.get(c), f1(c));
    }
    m.put("mean-iou", meanIou());
    m.put("pixel-accuracy", accuracy());
    return m;
  }
}
