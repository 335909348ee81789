package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/** A linear map inside every transformer block that a LoRA adapter can wrap. */
public enum LoraTarget implements JsonNamed {
  /** Attention query. */
  Q("q"),
  /** Attention key. */
  K("k"),
  /** Attention value. */
  V("v"),
  /** Attention output projection. */
  PROJ("proj"),
  /** First MLP layer. */
  FC1("fc1"),
  /** Second MLP layer. */
  FC2("fc2");

  private final String jsonName;

  LoraTarget(String jsonName) {
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
