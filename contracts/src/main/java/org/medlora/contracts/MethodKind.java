package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the backbone is adapted. A training request chooses one of the first three; {@link #NONE}
 * only describes a published model that was not trained (the backbone's features alone).
 */
public enum MethodKind implements JsonNamed {
  /** A linear probe: the backbone stays frozen and only the head learns. */
  @JsonProperty("linear")
  LINEAR,
  /** LoRA adapters (and the head) learn; merged into the exported weights. */
  @JsonProperty("lora")
  LORA,
  /** Every backbone parameter learns. */
  @JsonProperty("full")
  FULL,
  /** Nothing learned; never in a request. */
  @JsonProperty("none")
  NONE;

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName();
  }
}
