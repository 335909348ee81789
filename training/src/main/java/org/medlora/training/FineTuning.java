package org.medlora.training;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.contracts.MethodKind;

/** The paper's three ways to adapt the backbone, as a choice of which parameters learn. */
public final class FineTuning {

  private FineTuning() {}

  /**
   * Freezes and unfreezes the backbone's parameters for {@code method}: {@code linear} freezes
   * the backbone (only the head learns), {@code lora} lets only the LoRA adapters (and the head)
   * learn, {@code full} every backbone parameter but the mask token, which no supervised loss
   * reaches.
   */
  public static void configure(MethodKind method, DinoV2Backbone backbone) {
    if (method == MethodKind.NONE) {
      throw new IllegalArgumentException("method none trains nothing; choose linear, lora or full");
    }
    boolean hasLora = backbone.loraConfig() != null;
    if (method == MethodKind.LORA && !hasLora) {
      throw new IllegalArgumentException("LORA fine-tuning needs a backbone built with optLora(...)");
    }
    if (method != MethodKind.LORA && hasLora) {
      throw new IllegalArgumentException(
          method + " fine-tuning takes a backbone without LoRA adapters; build it without optLora");
    }
    backbone.freezeParameters(method != MethodKind.FULL);
    if (method == MethodKind.FULL) {
      backbone.checkpointParameters().get("mask_token").freeze(true);
    }
    if (method == MethodKind.LORA) {
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
