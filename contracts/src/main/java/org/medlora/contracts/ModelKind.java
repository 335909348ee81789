package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What an exported model computes, which decides what its outputs mean. Messages quote the
 * constant's Java name (e.g. {@code SEGMENTATION}); JSON and ONNX metadata its {@link #jsonName}.
 */
public enum ModelKind implements JsonNamed {
  /** Backbone features only (CLS and patch tokens); no classes. */
  @JsonProperty("features")
  FEATURES,
  /** One score per class for the whole image. */
  @JsonProperty("classification")
  CLASSIFICATION,
  /** One score per class for every pixel; class 0 is the background. */
  @JsonProperty("segmentation")
  SEGMENTATION
}
