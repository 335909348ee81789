package org.medlora.lora;

import org.medlora.contracts.LoraTarget;

/**
 * Where an adapter sits: a target inside one transformer block. Q, K and V are row slices of the
 * fused {@code attn.qkv} projection; the others are whole matrices.
 */
public record LoraSite(int block, LoraTarget target) {

  public LoraSite {
    if (block < 0) {
      throw new IllegalArgumentException("block index must be >= 0, got " + block);
    }
  }

  /** Meta checkpoint key of the weight this adapter updates, e.g. {@code blocks.3.attn.qkv.weight}. */
  public String baseWeightKey() {
    String weight = switch (target) {
      case Q, K, V -> "attn.qkv.weight";
      case PROJ -> "attn.proj.weight";
      case FC1 -> "mlp.fc1.weight";
      case FC2 -> "mlp.fc2.weight";
    };
    return "blocks." + block + "." + weight;
  }

  /** Module path inside HuggingFace's {@code Dinov2Model}, as PEFT names it. */
  public String huggingFaceModule() {
    String module = switch (target) {
      case Q -> "attention.attention.query";
      case K -> "attention.attention.key";
      case V -> "attention.attention.value";
      case PROJ -> "attention.output.dense";
      case FC1 -> "mlp.fc1";
      case FC2 -> "mlp.fc2";
    };
    return "encoder.layer." + block + "." + module;
  }

  @Override
  public String toString() {
    return "blocks." + block + "." + target.jsonName();
  }
}
