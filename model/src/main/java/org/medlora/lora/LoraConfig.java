package org.medlora.lora;

import java.util.EnumSet;
import java.util.Set;
import org.medlora.contracts.LoraTarget;

/**
 * How a backbone is adapted with LoRA: {@code delta W = scaling * B A}, with A (r x in)
 * Kaiming-uniform and B (out x r) zero at the start, so training begins from the base model.
 *
 * @param rank r, the inner dimension of A and B
 * @param alpha numerator of the scaling
 * @param targets which linear maps of every block get an adapter
 * @param rsLora rank-stabilized scaling alpha / sqrt(r) instead of alpha / r
 */
public record LoraConfig(int rank, float alpha, Set<LoraTarget> targets, boolean rsLora) {

  public LoraConfig {
    if (rank <= 0) {
      throw new IllegalArgumentException("LoRA rank must be > 0, got " + rank);
    }
    if (!(alpha > 0f)) {
      throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("LoRA needs at least one target, e.g. [Q, V]");
    }
    targets = Set.copyOf(EnumSet.copyOf(targets));
  }

  /** The paper's set-up: adapters on the query and value slices of every block's qkv. */
  public static LoraConfig queryValue(int rank, float alpha) {
    return new LoraConfig(rank, alpha, EnumSet.of(LoraTarget.Q, LoraTarget.V), false);
  }

  /** alpha / r, or alpha / sqrt(r) with rsLoRA; computed in floating point, never as integers. */
  public float scaling() {
    return rsLora ? (float) (alpha / Math.sqrt(rank)) : alpha / rank;
  }
}
