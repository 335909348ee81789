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
          case CONSTANT -> Tracker.fixed(lr);
          case COSINE -> Tracker.cosine().setBaseValue(lr).optFinalValue(0f).setMaxUpdates(steps).build();
          case LINEAR -> LinearTracker.builder().setBaseValue(lr).optSlope(-lr / steps).optMinValue(0f).build();
        };
    Tracker tracker =
        warmupSteps > 0 ? Tracker.warmUp().setMainTracker(main).optWarmUpSteps(warmupSteps).build() : main;
    float decay = (float) spec.weightDecay();
    return switch (spec.name()) {
      case ADAMW -> clipped(Optimizer.adamW().optLearningRateTracker(tracker).optWeightDecays(decay), spec).build();
      case ADAM -> clipped(Optimizer.adam().optLearningRateTracker(tracker).optWeightDecays(decay), spec).build();
      case SGD -> clipped(Optimizer.sgd().setLearningRateTracker(tracker).optMomentum((float) spec.momentum())
          .optWeightDecays(decay), spec).build();
    };
  }

  /** DJL's clipping by value, only when asked for (0 is off; DJL's own "off" is negative). */
  private static <B extends Optimizer.OptimizerBuilder<B>> B clipped(B builder, OptimizerSpec spec) {
    return spec.clipGradient() > 0 ? builder.optClipGrad((float) spec.clipGradient()) : builder;
  }

  /** The paper's decoder optimizer: Adam at a constant rate. */
  static Optimizer adam(double learningRate) {
    return Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build();
  }
}
