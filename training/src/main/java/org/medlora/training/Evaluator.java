package org.medlora.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medlora.contracts.ModelKind;
import org.medlora.data.Sample;
import org.medlora.export.ConfusionMatrix;
import org.medlora.heads.Upsampling;
import org.medlora.heads.UpsamplingDecoder;

/**
 * Validation: the loss at the training target's resolution, and the paper's metrics from a
 * confusion matrix — per image for classification, per pixel at the model's full input
 * resolution for segmentation (patch logits upsampled bilinearly, or through the decoder).
 */
final class Evaluator {

  private final ModelKind kind;
  private final List<String> classes;
  private final Batches batches;
  private final TaskLoss loss;

  Evaluator(ModelKind kind, List<String> classes, Batches batches, TaskLoss loss) {
    this.kind = kind;
    this.classes = classes;
    this.batches = batches;
    this.loss = loss;
  }

  /** Metrics of the whole model on un-augmented samples. */
  Map<String, Double> evaluate(BackboneWithHead net, UpsamplingDecoder decoder, List<Sample> samples)
      throws IOException {
    Tally tally = new Tally();
    try (NDManager manager = NDManager.newBaseManager()) {
      ParameterStore ps = new ParameterStore(manager, false);
      for (List<Sample> group : batches.inOrder(samples)) {
        try (NDManager m = manager.newSubManager()) {
          Batches.Batch batch = batches.load(m, group, 0, false);
          NDArray logits = net.forward(ps, new NDList(batch.pixels()), false).head();
          if (kind == ModelKind.CLASSIFICATION) {
            tally.add(logits, batch.labels(), batch.labels());
          } else if (decoder == null) {
            tally.add(logits, batch.patchMasks(), batch.masks(), null);
          } else {
            NDArray full = decoder.forward(ps, new NDList(batch.pixels(), logits), false).head();
            tally.add(full, batch.masks(), batch.masks(), full);
          }
        }
      }
    }
    return tally.metrics();
  }

  Tally tally() {
    return new Tally();
  }

  /** Accumulates loss and confusion over batches. */
  final class Tally {
    private final ConfusionMatrix confusion = new ConfusionMatrix(classes.size());
    private double lossSum;
    private long count;

    /** Classification: logits (B, C) and labels (B); target and truth are the labels. */
    void add(NDArray logits, NDArray target, NDArray truth) {
      add(logits, target, truth, null);
    }

    /**
     * {@code logits} at the target's resolution for the loss; {@code full} (B, C, H, W) for
     * segmentation metrics, or null to upsample {@code logits} bilinearly to the truth's size.
     */
    void add(NDArray logits, NDArray target, NDArray truth, NDArray full) {
      long b = logits.getShape().get(0);
      lossSum += loss.evaluate(new NDList(target), new NDList(logits)).getFloat() * b;
      count += b;
      NDArray scores = logits;
      if (kind == ModelKind.SEGMENTATION) {
        scores = full != null ? full
            : Upsampling.bilinear(logits, (int) truth.getShape().get(1), (int) truth.getShape().get(2));
      }
      byte[] predicted = scores.argMax(1).toType(DataType.UINT8, false).toByteArray();
      confusion.addAll(truth.toType(DataType.UINT8, false).toByteArray(), predicted);
    }

    Map<String, Double> metrics() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("val-loss", lossSum / Math.max(1, count));
      m.putAll(kind == ModelKind.CLASSIFICATION
          ? confusion.classificationMetrics(classes)
          : confusion.segmentationMetrics(classes));
      return m;
    }
  }
}
