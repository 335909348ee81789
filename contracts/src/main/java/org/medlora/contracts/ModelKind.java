package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What an exported model computes, which decides what its outputs mean. Messages quote the
 * constant's Java name (e.g. {@code SEGMENTATION}); JSON and ONNX metadata its {@link #jsonName}.
 */
public enum ModelKind implements JsonNamed {
  /** Backbone features only (CLS and patch tokens); no classes. */
  FEATURES("features"),
  /** One score per class for the whole image. */
  CLASSIFICATION("classification"),
  /** One score per class for every pixel; class 0 is the background. */
  SEGMENTATION("segmentation");

  private final String jsonName;

  ModelKind(String jsonName) {
    this.jsonName = jsonName;
  }

  @JsonValue
  @Override
  public String jsonName() {
    return jsonName;
  }
}
