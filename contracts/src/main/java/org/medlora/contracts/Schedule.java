package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the learning rate changes after the warm-up. */
public enum Schedule implements JsonNamed {
  /** The peak rate throughout. */
  @JsonProperty("constant")
  CONSTANT,
  /** Cosine decay to 0, the seed paper's "slowly decreasing" learning rate. */
  @JsonProperty("cosine")
  COSINE,
  /** Linear decay to 0. */
  @JsonProperty("linear")
  LINEAR;

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName();
  }
}
