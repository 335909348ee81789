package org.medlora.training;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.LinearTracker;
import ai.djl.training.tracker.Tracker;
import org.medlora.contracts.OptimizerSpec;

/** A request's optimizer and learning-rate schedule as DJL objects, stepped once per batch. */
final class Optimizers {

  private Optimizers() {}

  static Optimizer of(OptimizerSpec spec, int totalSteps, int warmupSteps) {
    float lr = (float) spec.learningRate();
    int steps = Math.max(1, totalSteps - warmupSteps);
    Tracker main =
        switch (spec.schedule()) {
          case "constant" -> Tracker.fixed(lr);
          case "cosine" -> Tracker.cosine().setBaseValue(lr).optFinalValue(0f).setMaxUpdates(steps).build();
          case "linear" -> LinearTracker.builder().setBaseValue(lr).optSlope(-lr / steps).optMinValue(0f).build();
          default -> throw new IllegalArgumentException(
              "unknown schedule '" + spec.schedule() + "'; expected constant, cosine or linear");
        };
    Tracker tracker =
        warmupSteps > 0 ? Tracker.warmUp().setMainTracker(main).optWarmUpSteps(warmupSteps).build() : main;
    float decay = (float) spec.weightDecay();
    return switch (spec.name()) {
      case "adamw" -> Optimizer.adamW().optLearningRateTracker(tracker).optWeightDecays(decay).build();
      case "adam" -> Optimizer.adam().optLearningRateTracker(tracker).optWeightDecays(decay).build();
      case "sgd" -> Optimizer.sgd().setLearningRateTracker(tracker).optMomentum((float) spec.momentum())
          .optWeightDecays(decay).build();
      default -> throw new IllegalArgumentException(
          "unknown optimizer '" + spec.name() + "'; expected adamw, adam or sgd");
    };
  }

  /** The paper's decoder optimizer: Adam at a constant rate. */
  static Optimizer adam(double learningRate) {
    return Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build();
  }
}
