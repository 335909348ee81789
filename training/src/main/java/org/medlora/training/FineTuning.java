package org.medlora.training;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import org.medlora.backbone.DinoV2Backbone;

/** The paper's three ways to adapt the backbone, as a choice of which parameters learn. */
public enum FineTuning {
  /** Frozen backbone, only the head learns (a linear probe). */
  LINEAR,
  /** Only the LoRA adapters (and the head) learn. */
  LORA,
  /** Every backbone parameter learns, except the mask token, which no supervised loss reaches. */
  FULL;

  /** Freezes and unfreezes the backbone's parameters for this method. */
  public void configure(DinoV2Backbone backbone) {
    boolean hasLora = backbone.loraConfig() != null;
    if (this == LORA && !hasLora) {
      throw new IllegalArgumentException("LORA fine-tuning needs a backbone built with optLora(...)");
    }
    if (this != LORA && hasLora) {
      throw new IllegalArgumentException(
          this + " fine-tuning takes a backbone without LoRA adapters; build it without optLora");
    }
    backbone.freezeParameters(this != FULL);
    if (this == FULL) {
      backbone.checkpointParameters().get("mask_token").freeze(true);
    }
    if (this == LORA) {
      backbone.loraAdapters().values().forEach(a -> a.freezeParameters(false));
    }
  }

  /** Number of scalar parameters that will receive gradient updates. */
  public static long trainableParameterCount(Block block) {
    long n = 0;
    for (Parameter p : block.getParameters().values()) {
      if (p.requiresGradient()) {
        n += p.getShape().size();
      }
    }
    return n;
  }

  /** Number of scalar parameters in the block, trainable or not. */
  public static long parameterCount(Block block) {
    long n = 0;
    for (Parameter p : block.getParameters().values()) {
      n += p.getShape().size();
    }
    return n;
  }
}
