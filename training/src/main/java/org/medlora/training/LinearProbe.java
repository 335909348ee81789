package org.medlora.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.medlora.contracts.ModelKind;
import org.medlora.data.Sample;
import org.medlora.data.Split;

/**
 * The linear probe: the frozen backbone's features are computed once per image and the head is
 * trained on them, epoch after epoch. Classification keeps the CLS token and the mean patch token
 * (D each); segmentation keeps every patch token (N x D) with the patch-level targets.
 */
final class LinearProbe {

  /**
   * Features of a split, stacked along axis 0, in one manager that lives for the phase. The
   * targets are the labels (classification) or the patch masks (segmentation), whose metrics are
   * taken against the full-resolution {@code masks}.
   */
  private record Features(NDArray cls, NDArray patches, NDArray targets, NDArray masks) {
    long size() {
      return cls.getShape().get(0);
    }

    NDList inputs(NDArray index) {
      return new NDList(cls.get(index), patches.get(index));
    }
  }

  private final BackboneWithHead net;
  private final Batches batches;
  private final Evaluator evaluator;
  private final TaskLoss loss;
  private final TrainingRun run;

  LinearProbe(BackboneWithHead net, Batches batches, Evaluator evaluator, TaskLoss loss, TrainingRun run) {
    this.net = net;
    this.batches = batches;
    this.evaluator = evaluator;
    this.loss = loss;
    this.run = run;
  }

  Map<String, Double> train(Split split) throws IOException, TrainingCancelledException {
    var request = run.request();
    int batchSize = request.batchSize();
    try (NDManager manager = NDManager.newBaseManager()) {
      Features train = features(manager, split.train());
      Features validation = features(manager, split.validation());
      int steps = (int) ((train.size() + batchSize - 1) / batchSize);
      var optimizer = Optimizers.of(request.optimizer(), steps * request.epochs(), steps * request.optimizer().warmupEpochs());
      Map<String, Double> metrics = Map.of();
      try (Model model = Model.newInstance("medlora-probe-" + request.task());
          Trainer trainer = TrainingRun.trainer(model, net.head(), loss, optimizer)) {
        EpochClock clock = new EpochClock(request.epochs());
        for (int epoch = 1; epoch <= request.epochs(); epoch++) {
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < train.size(); i++) {
            order.add(i);
          }
          Collections.shuffle(order, new Random(request.seed() * 1_000_003L + epoch));
          double lossSum = 0;
          for (int start = 0; start < order.size(); start += batchSize) {
            run.checkCancelled();
            List<Integer> part = order.subList(start, Math.min(order.size(), start + batchSize));
            try (NDManager step = trainer.getManager().newSubManager()) {
              NDArray index = step.create(part.stream().mapToLong(Integer::longValue).toArray());
              lossSum += TrainingRun.trainStep(trainer, train.inputs(index), train.targets().get(index)) * part.size();
            }
          }
          metrics = new LinkedHashMap<>();
          metrics.put("train-loss", lossSum / train.size());
          metrics.putAll(evaluate(validation));
          clock.epochDone();
          run.progress("train", epoch, request.epochs(), metrics, clock.lastSeconds(), clock.etaSeconds());
        }
      }
      return metrics;
    }
  }

  private Map<String, Double> evaluate(Features validation) {
    Evaluator.Tally tally = evaluator.tally();
    try (NDManager m = NDManager.newBaseManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      int batchSize = run.request().batchSize();
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

  /** Runs the frozen backbone once over the samples. */
  private Features features(NDManager manager, List<Sample> samples) throws IOException, TrainingCancelledException {
    NDList cls = new NDList();
    NDList patches = new NDList();
    NDList targets = new NDList();
    NDList masks = new NDList();
    ParameterStore ps = new ParameterStore(manager, false);
    boolean classification = run.request().kind() == ModelKind.CLASSIFICATION;
    for (List<Sample> group : batches.inOrder(samples)) {
      run.checkCancelled();
      try (NDManager b = manager.newSubManager()) {
        Batches.Batch batch = batches.load(b, group, 0, false);
        NDList out = net.backbone().forward(ps, new NDList(batch.pixels()), false);
        NDArray p = classification ? out.get(1).mean(new int[] {1}, true) : out.get(1); // (B, 1, D) or (B, N, D)
        keep(manager, cls, out.get(0));
        keep(manager, patches, p);
        keep(manager, targets, classification ? batch.labels() : batch.patchMasks());
        if (batch.masks() != null) {
          keep(manager, masks, batch.masks());
        }
      }
    }
    return new Features(stack(cls), stack(patches), stack(targets), stack(masks));
  }

  private static void keep(NDManager manager, NDList list, NDArray array) {
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
