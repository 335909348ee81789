package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a classification head sees of the backbone's tokens. */
public enum Pooling implements JsonNamed {
  /** The CLS token alone. */
  CLS("cls"),
  /** The CLS token concatenated with the mean patch token, as in DINOv2's linear evaluation. */
  CLS_AND_MEAN_PATCH("cls-and-mean-patch");

  private final String jsonName;

  Pooling(String jsonName) {
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
