package org.medlora.export;

import java.io.IOException;

/**
 * Preprocessed images the model did not train on, with their truth, in batches: what an int8
 * export is checked on against its float32 twin ({@link QuantizationVerifier}).
 */
public interface HeldOutImages {

  /**
   * One batch.
   *
   * @param pixels (B, 3, H, W) preprocessed, row-major
   * @param size B
   * @param truth class labels (B) for classification or class masks (B, H, W) for segmentation
   */
  record Batch(float[] pixels, int size, long[] truth) {}

  /** Receives batches. */
  @FunctionalInterface
  interface BatchConsumer {
    void accept(Batch batch) throws IOException;
  }

  /** Where the images come from, as the manifest records it: "validation" or "given". */
  String source();

  /** Reads the batches in a fixed order and hands each to {@code consumer}. */
  void forEach(BatchConsumer consumer) throws IOException;
}
