package org.medlora.contracts;

import java.util.List;

/**
 * The optimizer and learning-rate schedule of the adaptation.
 *
 * @param name one of {@link #NAMES}; default {@code adamw}
 * @param learningRate peak learning rate, finite and > 0; default 1e-3
 * @param weightDecay finite and >= 0 (0 turns it off); default 0.05
 * @param momentum in [0, 1), used by {@code sgd} only; default 0.9
 * @param schedule one of {@link #SCHEDULES}: constant, cosine decay or linear decay after the
 *     warmup; default {@code cosine}, the seed paper's "slowly decreasing" learning rate
 * @param warmupEpochs epochs of linear warmup from 0 to {@code learningRate}, >= 0 and fewer
 *     than the request's epochs; default 0
 */
public record OptimizerSpec(
    String name,
    double learningRate,
    double weightDecay,
    double momentum,
    String schedule,
    int warmupEpochs) {

  public static final List<String> NAMES = List.of("adamw", "adam", "sgd");

  public static final List<String> SCHEDULES = List.of("constant", "cosine", "linear");

  public static final OptimizerSpec DEFAULT =
      new OptimizerSpec("adamw", 1e-3, 0.05, 0.9, "cosine", 0);

  public OptimizerSpec {
    Checks.oneOf("name", name, NAMES);
    Checks.positive("learningRate", learningRate);
    Checks.finiteAtLeast("weightDecay", weightDecay, 0);
    if (!(momentum >= 0 && momentum < 1)) {
      throw Checks.invalid("momentum", "must be >= 0 and < 1, got " + momentum);
    }
    Checks.oneOf("schedule", schedule, SCHEDULES);
    Checks.atLeast("warmupEpochs", warmupEpochs, 0);
  }
}
