package org.medlora.lora;

import java.util.Arrays;
import java.util.Locale;

/**
 * A linear map inside a DINOv2 block that a LoRA adapter can wrap. Q, K and V are row slices of
 * the fused {@code attn.qkv} projection; the others are whole matrices.
 */
public enum LoraTarget {
  Q("attn.qkv.weight", 0, "attention.attention.query"),
  K("attn.qkv.weight", 1, "attention.attention.key"),
  V("attn.qkv.weight", 2, "attention.attention.value"),
  PROJ("attn.proj.weight", -1, "attention.output.dense"),
  FC1("mlp.fc1.weight", -1, "mlp.fc1"),
  FC2("mlp.fc2.weight", -1, "mlp.fc2");

  private final String baseWeight;
  private final int qkvSlice;
  private final String hfModule;

  LoraTarget(String baseWeight, int qkvSlice, String hfModule) {
    this.baseWeight = baseWeight;
    this.qkvSlice = qkvSlice;
    this.hfModule = hfModule;
  }

  /** Meta checkpoint key of the weight this adapter updates, e.g. {@code blocks.3.attn.qkv.weight}. */
  public String baseWeightKey(int block) {
    return "blocks." + block + "." + baseWeight;
  }

  /**
   * First row of the base weight that the adapter's update covers: Q, K and V each own one
   * {@code outDim}-row third of the fused qkv weight.
   */
  public int firstRow(int outDim) {
    return qkvSlice < 0 ? 0 : qkvSlice * outDim;
  }

  /** Module path inside HuggingFace's {@code Dinov2Model}, as PEFT names it. */
  public String huggingFaceModule(int block) {
    return "encoder.layer." + block + "." + hfModule;
  }

  /** The name PEFT's {@code target_modules} uses: the last segment of the module path. */
  public String peftModuleName() {
    return hfModule.substring(hfModule.lastIndexOf('.') + 1);
  }

  /** Parses a target from our name ({@code q}, {@code fc1}) or PEFT's ({@code query}, {@code dense}). */
  public static LoraTarget parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (LoraTarget t : values()) {
      if (t.name().toLowerCase(Locale.ROOT).equals(n) || t.peftModuleName().equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown LoRA target '" + name + "'; expected one of " + Arrays.toString(values())
            + " or PEFT's query, key, value, dense, fc1, fc2");
  }
}
