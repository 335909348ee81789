package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A linear map inside every transformer block that a LoRA adapter can wrap. */
public enum LoraTarget implements JsonNamed {
  /** Attention query. */
  @JsonProperty("q")
  Q,
  /** Attention key. */
  @JsonProperty("k")
  K,
  /** Attention value. */
  @JsonProperty("v")
  V,
  /** Attention output projection. */
  @JsonProperty("proj")
  PROJ,
  /** First MLP layer. */
  @JsonProperty("fc1")
  FC1,
  /** Second MLP layer. */
  @JsonProperty("fc2")
  FC2;

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName();
  }
}
