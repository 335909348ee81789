package org.medlora.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medlora.contracts.DecoderSpec;
import org.medlora.data.Sample;
import org.medlora.data.Split;
import org.medlora.heads.UpsamplingDecoder;

/**
 * The seed paper's second stage (section 7): with backbone and linear segmenter frozen, train
 * the UNet-like decoder from the image and the segmenter's patch logits to full-resolution masks
 * with Adam and cross-entropy. The frozen segmenter's logits are computed once per image.
 */
final class DecoderTraining {

  private final BackboneWithHead net;
  private final Batches batches;
  private final Evaluator evaluator;
  private final TaskLoss loss;
  private final TrainingRun run;
  private final DecoderSpec spec;
  private Map<String, Double> metrics = Map.of();

  DecoderTraining(BackboneWithHead net, Batches batches, Evaluator evaluator, TaskLoss loss, TrainingRun run,
      DecoderSpec spec) {
    this.net = net;
    this.batches = batches;
    this.evaluator = evaluator;
    this.loss = loss;
    this.run = run;
    this.spec = spec;
  }

  /** Trains a decoder whose parameters live in {@code manager}, and returns it. */
  UpsamplingDecoder train(NDManager manager, Split split, int size) throws IOException, TrainingCancelledException {
    Shape patchLogits = net.getOutputShapes(new Shape[] {new Shape(1, 3, size, size)})[0];
    int classes = (int) patchLogits.get(1);
    UpsamplingDecoder decoder = new UpsamplingDecoder(classes, UpsamplingDecoder.DEFAULT_CHANNELS);
    decoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size), patchLogits);
    try (NDManager cache = NDManager.newBaseManager();
        Model model = Model.newInstance("medlora-decoder-" + run.request().task());
        Trainer trainer = TrainingRun.trainer(model, decoder, loss, Optimizers.adam(spec.learningRate()))) {
      Map<Sample, NDArray> logits = segmenterLogits(cache, split.train());
      EpochClock clock = new EpochClock(spec.epochs());
      for (int epoch = 1; epoch <= spec.epochs(); epoch++) {
        double lossSum = 0;
        for (List<Sample> group : batches.shuffled(split.train(), epoch)) {
          run.checkCancelled();
          try (NDManager step = trainer.getManager().newSubManager()) {
            Batches.Batch batch = batches.load(step, group, 0, false);
            NDArray frozen = NDArrays.stack(new NDList(group.stream().map(logits::get).toList()));
            frozen.attach(step);
            lossSum += TrainingRun.trainStep(trainer, new NDList(batch.pixels(), frozen), batch.masks()) * group.size();
          }
        }
        metrics = new LinkedHashMap<>();
        metrics.put("decoder-train-loss", lossSum / split.train().size());
        metrics.putAll(evaluator.evaluate(net, decoder, split.validation()));
        clock.epochDone();
        run.progress("decoder", epoch, spec.epochs(), metrics, clock.lastSeconds(), clock.etaSeconds());
      }
    }
    return decoder;
  }

  /** Validation metrics after the last decoder epoch. */
  Map<String, Double> finalMetrics() {
    return metrics;
  }

  /** The frozen segmenter's patch logits (C, gh, gw) per sample. */
  private Map<Sample, NDArray> segmenterLogits(NDManager cache, List<Sample> samples)
      throws IOException, TrainingCancelledException {
    Map<Sample, NDArray> out = new HashMap<>();
    ParameterStore ps = new ParameterStore(cache, false);
    for (List<Sample> group : batches.inOrder(samples)) {
      run.checkCancelled();
      try (NDManager b = cache.newSubManager()) {
        Batches.Batch batch = batches.load(b, group, 0, false);
        NDArray logits = net.forward(ps, new NDList(batch.pixels()), false).head();
        for (int i = 0; i < group.size(); i++) {
          NDArray one = logits.get(i);
          one.attach(cache);
          out.put(group.get(i), one);
        }
      }
    }
    return out;
  }
}
