package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The element type of an exported model's weights and arithmetic. */
public enum ExportPrecision implements JsonNamed {
  /** float32 throughout: the default, for any server. */
  @JsonProperty("fp32")
  FP32,
  /** float16 weights and arithmetic behind a float32 interface, for GPU servers. */
  @JsonProperty("fp16")
  FP16,
  /**
   * int8 matrix products in the backbone and decoder, for CPU servers: verified against the
   * float32 export on held-out images within {@link QuantizationBounds}.
   */
  @JsonProperty("int8")
  INT8;

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName();
  }
}
