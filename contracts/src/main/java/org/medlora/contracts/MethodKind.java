package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How the backbone is adapted. A training request chooses one of the first three; {@link #NONE}
 * only describes a published model that was not trained (the backbone's features alone).
 */
public enum MethodKind implements JsonNamed {
  /** A linear probe: the backbone stays frozen and only the head learns. */
  LINEAR("linear"),
  /** LoRA adapters (and the head) learn; merged into the exported weights. */
  LORA("lora"),
  /** Every backbone parameter learns. */
  FULL("full"),
  /** Nothing learned; never in a request. */
  NONE("none");

  private final String jsonName;

  MethodKind(String jsonName) {
    this.jsonName = jsonName;
  }

  @JsonValue
  @Override
  public String jsonName() {
    return jsonName;
  }

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName;
  }
}
