package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/** The optimizer of the backbone and head; in JSON, {@code optimizer.name}. */
public enum OptimizerKind implements JsonNamed {
  /** Adam with decoupled weight decay. */
  ADAMW("adamw"),
  /** Adam, weight decay added to the gradient. */
  ADAM("adam"),
  /** Stochastic gradient descent with momentum. */
  SGD("sgd");

  private final String jsonName;

  OptimizerKind(String jsonName) {
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
