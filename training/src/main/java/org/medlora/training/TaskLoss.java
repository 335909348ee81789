package org.medlora.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The task's training loss as a DJL {@link Loss}: cross-entropy over the class axis 1 (optionally
 * class-weighted), plus the soft Dice loss for segmentation when asked. Labels (B) for images,
 * (B, h, w) for masks.
 */
final class TaskLoss extends Loss {

  private final float[] classWeights;
  private final boolean dice;

  /** {@code classWeights} may be null (plain cross-entropy, as the seed paper). */
  TaskLoss(float[] classWeights, boolean dice) {
    super(dice ? "ce+dice" : "ce");
    this.classWeights = classWeights == null ? null : classWeights.clone();
    this.dice = dice;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = predictions.head();
    NDArray target = labels.head();
    NDArray weights = classWeights == null ? null : logits.getManager().create(classWeights);
    NDArray loss = Losses.crossEntropy(logits, target, weights);
    return dice ? loss.add(Losses.dice(logits, target)) : loss;
  }

  /**
   * Inverse-frequency weights normalized to mean 1, from class counts; absent classes get 0 so
   * they cannot dominate.
   */
  static float[] inverseFrequency(long[] counts) {
    float[] w = new float[counts.length];
    long total = 0;
    int present = 0;
    for (long c : counts) {
      total += c;
      present += c > 0 ? 1 : 0;
    }
    for (int i = 0; i < counts.length; i++) {
      w[i] = counts[i] == 0 ? 0f : (float) total / (present * counts[i]);
    }
    return w;
  }
}
