package org.medlora.contracts;

/** What an exported model computes, which decides what its outputs mean. */
public enum ModelKind {
  /** Backbone features only (CLS and patch tokens); no classes. */
  FEATURES,
  /** One score per class for the whole image. */
  CLASSIFICATION,
  /** One score per class for every pixel; class 0 is the background. */
  SEGMENTATION
}
