package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How the backbone was adapted. The LoRA fields are set exactly when {@code kind} is
 * {@code lora}, so a reader never has to guess whether a rank applies.
 *
 * @param kind a linear probe on frozen features, LoRA adapters merged into the exported weights,
 *     full fine-tuning, or no training (features only)
 * @param loraRank adapter rank r, at least 1; null unless LoRA
 * @param loraAlpha scaling numerator, positive; null unless LoRA
 * @param loraTargets adapted maps, e.g. {@code [q, v]}; null unless LoRA
 * @param rsLora whether the scaling was alpha / sqrt(r); null unless LoRA
 */
public record MethodInfo(
    MethodKind kind,
    @JsonProperty("lora-rank") Integer loraRank,
    @JsonProperty("lora-alpha") Float loraAlpha,
    @JsonProperty("lora-targets") List<LoraTarget> loraTargets,
    @JsonProperty("rs-lora") Boolean rsLora) {

  public MethodInfo {
    Checks.nonNull("method kind", kind);
    if (kind == MethodKind.LORA) {
      if (loraRank == null || loraAlpha == null || loraTargets == null || rsLora == null) {
        throw new IllegalArgumentException(
            "method kind lora needs loraRank, loraAlpha, loraTargets and rsLora, got loraRank="
                + loraRank + ", loraAlpha=" + loraAlpha + ", loraTargets=" + loraTargets
                + ", rsLora=" + rsLora);
      }
      Checks.atLeast("loraRank", loraRank, 1);
      if (!(loraAlpha > 0f) || loraAlpha.isInfinite()) {
        throw new IllegalArgumentException("loraAlpha must be finite and > 0, got " + loraAlpha);
      }
      loraTargets = List.copyOf(loraTargets);
      if (loraTargets.isEmpty()) {
        throw new IllegalArgumentException("loraTargets must name at least one map, e.g. [q, v]");
      }
    } else if (loraRank != null || loraAlpha != null || loraTargets != null || rsLora != null) {
      throw new IllegalArgumentException(
          "LoRA fields must be null for method kind " + kind + ", got loraRank=" + loraRank
              + ", loraAlpha=" + loraAlpha + ", loraTargets=" + loraTargets
              + ", rsLora=" + rsLora);
    }
  }

  /** A method without adapters: {@code linear}, {@code full} or {@code none}. */
  public static MethodInfo of(MethodKind kind) {
    return new MethodInfo(kind, null, null, null, null);
  }

  /** LoRA with the given rank, alpha, targets and scaling rule. */
  public static MethodInfo lora(int rank, float alpha, List<LoraTarget> targets, boolean rsLora) {
    return new MethodInfo(MethodKind.LORA, rank, alpha, targets, rsLora);
  }
}
