package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a classification head sees of the backbone's tokens. */
public enum Pooling implements JsonNamed {
  /** The CLS token alone. */
  @JsonProperty("cls")
  CLS,
  /** The CLS token concatenated with the mean patch token, as in DINOv2's linear evaluation. */
  @JsonProperty("cls-and-mean-patch")
  CLS_AND_MEAN_PATCH;

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName();
  }
}
