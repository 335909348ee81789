package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The optimizer and learning-rate schedule of the adaptation.
 *
 * @param name the optimizer; default {@code adamw}
 * @param learningRate peak learning rate, finite and > 0; default 1e-3
 * @param weightDecay finite and >= 0 (0 turns it off); default 0.05
 * @param momentum in [0, 1), used by {@code sgd} only; default 0.9
 * @param schedule the learning rate after the warmup; default {@code cosine}, the seed paper's
 *     "slowly decreasing" learning rate
 * @param warmupEpochs epochs of linear warmup from 0 to {@code learningRate}, >= 0 and fewer
 *     than the request's epochs; default 0
 * @param clipGradient each gradient element is clipped to [-clipGradient, clipGradient] before
 *     the step (by value, as DJL's optimizers clip), finite and >= 0; default 0, no clipping
 */
public record OptimizerSpec(
    OptimizerKind name,
    @JsonProperty("learning-rate") double learningRate,
    @JsonProperty("weight-decay") double weightDecay,
    double momentum,
    Schedule schedule,
    @JsonProperty("warmup-epochs") int warmupEpochs,
    @JsonProperty("clip-gradient") double clipGradient) {

  public static final OptimizerSpec DEFAULT =
      new OptimizerSpec(OptimizerKind.ADAMW, 1e-3, 0.05, 0.9, Schedule.COSINE, 0);

  public OptimizerSpec {
    Checks.nonNull("name", name);
    Checks.positive("learningRate", learningRate);
    Checks.finiteAtLeast("weightDecay", weightDecay, 0);
    if (!(momentum >= 0 && momentum < 1)) {
      throw Checks.invalid("momentum", "must be >= 0 and < 1, got " + momentum);
    }
    Checks.nonNull("schedule", schedule);
    Checks.atLeast("warmupEpochs", warmupEpochs, 0);
    Checks.finiteAtLeast("clipGradient", clipGradient, 0);
  }

  /** Without gradient clipping. */
  public OptimizerSpec(OptimizerKind name, double learningRate, double weightDecay, double momentum,
      Schedule schedule, int warmupEpochs) {
    this(name, learningRate, weightDecay, momentum, schedule, warmupEpochs, 0);
  }
}
