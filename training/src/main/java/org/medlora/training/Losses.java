package org.medlora.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.medlora.backbone.Scalars;

/**
 * The training losses, as functions of logits with the class axis 1: (B, C) for images or
 * (B, C, h, w) for masks, and integer labels (B) or (B, h, w).
 */
public final class Losses {

  private static final float DICE_EPS = 1f;

  private Losses() {}

  /**
   * Cross-entropy, averaged over images or pixels; with {@code classWeights} (C) each term is
   * weighted by its true class and the mean is normalized by the weights, as torch's.
   */
  public static NDArray crossEntropy(NDArray logits, NDArray labels, NDArray classWeights) {
    NDArray logProbs = logits.logSoftmax(1);
    NDArray index = labels.toType(DataType.INT64, false).expandDims(1); // (B, 1, ...)
    NDArray picked = logProbs.get(new NDIndex().addAllDim(1).addPickDim(index)).squeeze(1).neg(); // (B, ...)
    if (classWeights == null) {
      return picked.mean();
    }
    NDArray w = classWeights.get(labels.toType(DataType.INT64, false));
    return picked.mul(w).sum().div(w.sum());
  }

  /**
   * Soft Dice loss over the foreground classes 1..C-1 of (B, C, h, w) logits: one minus the mean
   * of {@code (2 |P*Y| + 1) / (|P| + |Y| + 1)} per class, summed over the batch's pixels.
   */
  public static NDArray dice(NDArray logits, NDArray labels) {
    long classes = logits.getShape().get(1);
    NDArray probs = logits.softmax(1);
    NDArray oneHot = labels.toType(DataType.INT64, false).oneHot((int) classes).transpose(0, 3, 1, 2); // (B, C, h, w)
    NDArray p = probs.get(":, 1:");
    NDArray y = oneHot.get(":, 1:").toType(p.getDataType(), false);
    int[] axes = {0, 2, 3};
    NDArray overlap = Scalars.times(p.mul(y).sum(axes), 2).add(DICE_EPS);
    NDArray size = p.sum(axes).add(y.sum(axes)).add(DICE_EPS);
    return overlap.div(size).mean().neg().add(1);
  }
}
