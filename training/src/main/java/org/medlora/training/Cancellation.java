package org.medlora.training;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.function.BooleanSupplier;

/**
 * Stops a run between batches once its job is cancelled: after every training step, and between
 * the batches of the one-off passes that fill a phase's caches. Nothing is published after it.
 */
final class Cancellation extends TrainingListenerAdapter {

  private final String requestId;
  private final BooleanSupplier cancelled;

  Cancellation(String requestId, BooleanSupplier cancelled) {
    this.requestId = requestId;
    this.cancelled = cancelled;
  }

  void check() {
    if (cancelled.getAsBoolean()) {
      throw new TrainingCancelledException("request " + requestId + " was cancelled");
    }
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    check();
  }
}
