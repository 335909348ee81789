package org.medlora.training;

import ai.djl.Model;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one training loop: a phase's epochs on DJL's {@link Trainer}, an optimizer step per batch
 * of its {@link PhaseData}, validation after every epoch. {@link TrainingListener}s see it through
 * the trainer's {@link Metrics}: after each batch its loss is the latest {@link #BATCH_LOSS};
 * after each epoch every metric of that epoch is recorded under {@link #EPOCH_PREFIX} + its name.
 */
final class PhaseRunner {

  static final String BATCH_LOSS = "batch-loss";
  static final String EPOCH_PREFIX = "epoch/";

  /**
   * @param name the phase as progress reports it ({@code train}, {@code decoder})
   * @param block what the optimizer updates (its frozen parameters stay as they are)
   * @param lossMetric the name of the epoch's mean training loss among its metrics
   */
  record Phase(String name, Block block, Loss loss, Optimizer optimizer, int epochs, PhaseData data,
      String lossMetric) {}

  private PhaseRunner() {}

  /** Runs the phase to its end and returns the last epoch's metrics. */
  static Map<String, Double> run(Phase phase, List<TrainingListener> listeners) throws IOException {
    Map<String, Double> metrics = Map.of();
    try (Model model = Model.newInstance("medlora-" + phase.name())) {
      model.setBlock(phase.block());
      DefaultTrainingConfig config = new DefaultTrainingConfig(phase.loss()).optOptimizer(phase.optimizer());
      listeners.forEach(config::addTrainingListeners);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.setMetrics(new Metrics());
        for (int epoch = 1; epoch <= phase.epochs(); epoch++) {
          metrics = epoch(trainer, phase, epoch);
        }
      }
    }
    return metrics;
  }

  private static Map<String, Double> epoch(Trainer trainer, Phase phase, int epoch) throws IOException {
    List<PhaseData.StepLoader> steps = phase.data().epoch(epoch);
    double lossSum = 0;
    int seen = 0;
    for (int i = 0; i < steps.size(); i++) {
      try (NDManager manager = trainer.getManager().newSubManager()) {
        PhaseData.Step step = steps.get(i).load(manager);
        float loss = step(trainer, step.inputs(), step.target());
        lossSum += loss * step.size();
        seen += step.size();
        trainer.getMetrics().addMetric(BATCH_LOSS, loss);
        Batch batch = new Batch(manager, step.inputs(), new NDList(step.target()), step.size(), null, null, i + 1,
            steps.size());
        BatchData data = new BatchData(batch, Map.of(), Map.of());
        trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, data));
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(phase.lossMetric(), lossSum / seen);
    metrics.putAll(phase.data().validate());
    metrics.forEach((name, value) -> trainer.getMetrics().addMetric(EPOCH_PREFIX + name, value));
    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
    return metrics;
  }

  /** One optimizer step; returns the batch's loss. The step runs outside the collector's scope. */
  private static float step(Trainer trainer, NDList inputs, NDArray target) {
    float value;
    try (GradientCollector gc = trainer.newGradientCollector()) {
      NDList out = trainer.forward(inputs);
      NDArray l = trainer.getLoss().evaluate(new NDList(target), out);
      gc.backward(l);
      value = l.getFloat();
    }
    trainer.step();
    return value;
  }
}
