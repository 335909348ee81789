package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;

/**
 * How a training request adapts the backbone. Unlike {@link MethodInfo}, which records what was
 * done, the LoRA fields always hold values: they are used when {@code kind} is {@code lora} and
 * ignored otherwise (but still checked, so that a request never carries nonsense).
 *
 * @param kind a linear probe on frozen features, LoRA adapters, or full fine-tuning; never
 *     {@link MethodKind#NONE}; default {@code lora}
 * @param loraRank adapter rank r, at least 1; default 3
 * @param loraAlpha scaling numerator, finite and positive; default 15. Rank 3 with alpha 15 is
 *     the seed paper's setting for segmentation
 * @param loraTargets adapted maps, distinct, at least one; default {@code [q, v]}, the seed
 *     paper's attention query and value
 * @param rsLora scale by alpha / sqrt(r) instead of alpha / r; default false
 */
public record MethodSpec(
    MethodKind kind,
    @JsonProperty("lora-rank") int loraRank,
    @JsonProperty("lora-alpha") float loraAlpha,
    @JsonProperty("lora-targets") List<LoraTarget> loraTargets,
    @JsonProperty("rs-lora") boolean rsLora) {

  /** The methods a request may ask for: all but {@link MethodKind#NONE}. */
  public static final List<MethodKind> KINDS =
      List.of(MethodKind.LINEAR, MethodKind.LORA, MethodKind.FULL);

  /** LoRA of rank 3, alpha 15 on q and v: the seed paper's segmentation setting. */
  public static final MethodSpec DEFAULT =
      new MethodSpec(MethodKind.LORA, 3, 15f, List.of(LoraTarget.Q, LoraTarget.V), false);

  public MethodSpec {
    Checks.named("kind", KINDS, Checks.nonNull("kind", kind).jsonName());
    Checks.atLeast("loraRank", loraRank, 1);
    Checks.positive("loraAlpha", loraAlpha);
    loraTargets = List.copyOf(Checks.nonNull("loraTargets", loraTargets));
    if (loraTargets.isEmpty() || new HashSet<>(loraTargets).size() != loraTargets.size()) {
      throw Checks.invalid("loraTargets", "must be distinct maps from "
          + JsonNamed.jsonNames(LoraTarget.class) + ", at least one, got " + loraTargets);
    }
  }

  /** What the manifest of the resulting model records about this method. */
  public MethodInfo toMethodInfo() {
    return kind == MethodKind.LORA
        ? MethodInfo.lora(loraRank, loraAlpha, loraTargets, rsLora)
        : MethodInfo.of(kind);
  }
}
