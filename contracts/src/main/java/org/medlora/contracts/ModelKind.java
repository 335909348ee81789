package org.medlora.contracts;

/** What an exported model computes. */
public enum ModelKind {
  FEATURES,
  CLASSIFICATION,
  SEGMENTATION
}
