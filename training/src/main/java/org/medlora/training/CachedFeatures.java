package org.medlora.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.medlora.contracts.ModelKind;
import org.medlora.data.Sample;
import org.medlora.data.Split;

/**
 * The linear probe's data: the frozen backbone's features, computed once per image and reused
 * every epoch (the backbone does not change, so this is exact and many times faster).
 * Classification keeps the CLS token and the mean patch token (D each); segmentation keeps every
 * patch token (N x D) with the patch-level targets, and its metrics are taken against the
 * full-resolution masks. The features come from un-augmented images, as in DINOv2's own linear
 * evaluation.
 */
final class CachedFeatures implements PhaseData, AutoCloseable {

  /** A split's features, stacked along axis 0. */
  private record Features(NDArray cls, NDArray patches, NDArray targets, NDArray masks) {
    long size() {
      return cls.getShape().get(0);
    }

    NDList inputs(NDArray index) {
      return new NDList(cls.get(index), patches.get(index));
    }
  }

  private final NDManager manager = NDManager.newBaseManager();
  private final BackboneWithHead net;
  private final Evaluator evaluator;
  private final Batches batches;
  private final int batchSize;
  private final List<Sample> trainSamples;
  /** Each training sample's row in {@code train}. */
  private final Map<Sample, Integer> rows = new HashMap<>();
  private final Features train;
  private final Features validation;

  /** Runs the frozen backbone once over both splits; stops between batches when cancelled. */
  CachedFeatures(BackboneWithHead net, Batches batches, Evaluator evaluator, Split split, ModelKind kind,
      int batchSize, Cancellation cancellation) throws IOException {
    this.net = net;
    this.evaluator = evaluator;
    this.batches = batches;
    this.batchSize = batchSize;
    this.trainSamples = split.train();
    for (int i = 0; i < trainSamples.size(); i++) {
      rows.put(trainSamples.get(i), i);
    }
    try {
      this.train = features(batches, split.train(), kind, cancellation);
      this.validation = features(batches, split.validation(), kind, cancellation);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The epoch's shuffled batches, as images would be ({@link Batches#shuffled}), as feature rows. */
  @Override
  public List<StepLoader> epoch(int epoch) {
    return batches.shuffled(trainSamples, epoch).stream()
        .<StepLoader>map(group -> {
          long[] part = group.stream().mapToLong(rows::get).toArray();
          return m -> {
            NDArray index = m.create(part);
            return new Step(train.inputs(index), train.targets().get(index), part.length);
          };
        })
        .toList();
  }

  @Override
  public Map<String, Double> validate() {
    Evaluator.Tally tally = evaluator.tally();
    try (NDManager m = NDManager.newBaseManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      for (long start = 0; start < validation.size(); start += batchSize) {
        try (NDManager b = m.newSubManager()) {
          NDArray index = b.arange(start, Math.min(validation.size(), start + batchSize));
          NDArray logits = net.head().forward(ps, validation.inputs(index), false).head();
          NDArray targets = validation.targets().get(index);
          NDArray truth = validation.masks() != null ? validation.masks().get(index) : targets;
          tally.add(logits, targets, truth, null);
        }
      }
    }
    return tally.metrics();
  }

  @Override
  public void close() {
    manager.close();
  }

  private Features features(Batches batches, List<Sample> samples, ModelKind kind, Cancellation cancellation)
      throws IOException {
    NDList cls = new NDList();
    NDList patches = new NDList();
    NDList targets = new NDList();
    NDList masks = new NDList();
    ParameterStore ps = new ParameterStore(manager, false);
    boolean classification = kind == ModelKind.CLASSIFICATION;
    for (List<Sample> group : batches.inOrder(samples)) {
      cancellation.check();
      try (NDManager b = manager.newSubManager()) {
        Batches.Batch batch = batches.load(b, group, 0, false);
        NDList out = net.backbone().forward(ps, new NDList(batch.pixels()), false);
        NDArray p = classification ? out.get(1).mean(new int[] {1}, true) : out.get(1); // (B, 1, D) or (B, N, D)
        keep(cls, out.get(0));
        keep(patches, p);
        keep(targets, batch.target());
        if (batch.masks() != null) {
          keep(masks, batch.masks());
        }
      }
    }
    return new Features(stack(cls), stack(patches), stack(targets), stack(masks));
  }

  private void keep(NDList list, NDArray array) {
    array.attach(manager);
    list.add(array);
  }

  /** One array from the per-batch pieces, which are freed right away. */
  private static NDArray stack(NDList pieces) {
    if (pieces.isEmpty()) {
      return null;
    }
    NDArray all = NDArrays.concat(pieces);
    pieces.close();
    return all;
  }
}
