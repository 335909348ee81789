package org.medlora.contracts;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a training request adapts the backbone. Unlike {@link MethodInfo}, which records what was
 * done, the LoRA fields always hold values: they are used when {@code kind} is {@code lora} and
 * ignored otherwise (but still checked, so that a request never carries nonsense).
 *
 * @param kind one of {@link #KINDS}: a linear probe on frozen features, LoRA adapters, or full
 *     fine-tuning; default {@code lora}
 * @param loraRank adapter rank r, at least 1; default 3
 * @param loraAlpha scaling numerator, finite and positive; default 15. Rank 3 with alpha 15 is
 *     the seed paper's setting for segmentation
 * @param loraTargets adapted maps, distinct, each one of {@link #LORA_TARGETS}; default
 *     {@code [q, v]}, the seed paper's attention query and value
 * @param rsLora scale by alpha / sqrt(r) instead of alpha / r; default false
 */
public record MethodSpec(
    String kind, int loraRank, float loraAlpha, List<String> loraTargets, boolean rsLora) {

  public static final List<String> KINDS = List.of("linear", "lora", "full");

  /** Attention query, key, value and output projection; the two MLP layers. */
  public static final List<String> LORA_TARGETS = List.of("q", "k", "v", "proj", "fc1", "fc2");

  /** LoRA of rank 3, alpha 15 on q and v: the seed paper's segmentation setting. */
  public static final MethodSpec DEFAULT = new MethodSpec("lora", 3, 15f, List.of("q", "v"), false);

  public MethodSpec {
    Checks.oneOf("kind", kind, KINDS);
    Checks.atLeast("loraRank", loraRank, 1);
    Checks.positive("loraAlpha", loraAlpha);
    loraTargets = List.copyOf(Checks.nonNull("loraTargets", loraTargets));
    Set<String> distinct = new HashSet<>(loraTargets);
    if (loraTargets.isEmpty()
        || distinct.size() != loraTargets.size()
        || !LORA_TARGETS.containsAll(distinct)) {
      throw Checks.invalid("loraTargets",
          "must be distinct maps from " + LORA_TARGETS + ", at least one, got " + loraTargets);
    }
  }

  /** What the manifest of the resulting model records about this method. */
  public MethodInfo toMethodInfo() {
    return kind.equals("lora")
        ? MethodInfo.lora(loraRank, loraAlpha, loraTargets, rsLora)
        : MethodInfo.of(kind);
  }
}
