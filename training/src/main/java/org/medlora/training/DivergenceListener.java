package org.medlora.training;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

/**
 * Stops a phase at the first batch whose loss is NaN or infinite: the weights are then garbage
 * and every later epoch is wasted time. The message names the batch and the remedy.
 */
final class DivergenceListener extends TrainingListenerAdapter {

  private final String phase;
  private final String remedy;
  private int epoch = 1;

  /** {@code remedy}: what to change in the request, e.g. a lower learning rate. */
  DivergenceListener(String phase, String remedy) {
    this.phase = phase;
    this.remedy = remedy;
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    double loss = trainer.getMetrics().latestMetric(PhaseRunner.BATCH_LOSS).getValue();
    if (!Double.isFinite(loss)) {
      throw new TrainingDivergedException("training diverged: the loss became " + loss + " in the " + phase
          + " phase at epoch " + epoch + ", batch " + batchData.getBatch().getProgress() + " of "
          + batchData.getBatch().getProgressTotal(),
          remedy);
    }
  }

  @Override
  public void onEpoch(Trainer trainer) {
    epoch++;
  }
}
