package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the learning rate changes after the warm-up. */
public enum Schedule implements JsonNamed {
  /** The peak rate throughout. */
  CONSTANT("constant"),
  /** Cosine decay to 0, the seed paper's "slowly decreasing" learning rate. */
  COSINE("cosine"),
  /** Linear decay to 0. */
  LINEAR("linear");

  private final String jsonName;

  Schedule(String jsonName) {
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
