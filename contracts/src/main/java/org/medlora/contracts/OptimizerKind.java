package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The optimizer of the backbone and head; in JSON, {@code optimizer.name}. */
public enum OptimizerKind implements JsonNamed {
  /** Adam with decoupled weight decay. */
  @JsonProperty("adamw")
  ADAMW,
  /** Adam, weight decay added to the gradient. */
  @JsonProperty("adam")
  ADAM,
  /** Stochastic gradient descent with momentum. */
  @JsonProperty("sgd")
  SGD;

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName();
  }
}
