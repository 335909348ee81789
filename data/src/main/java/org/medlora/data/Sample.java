package org.medlora.data;

import java.nio.file.Path;
import java.util.List;

/**
 * One training example on disk.
 *
 * @param image the image file
 * @param masks the mask files, OR-combined into one label mask; empty for classification
 * @param label the class index for classification; for segmentation, the class that the masks'
 *     non-zero pixels get (the folder class for BUSI, 0 for BUSI's normal images, 1 for lungs)
 */
public record Sample(Path image, List<Path> masks, int label) {

  public Sample {
    if (image == null) {
      throw new IllegalArgumentException("image must not be null");
    }
    masks = List.copyOf(masks);
    if (label < 0 || label > 255) {
      // Mask pixels carry the label as one unsigned byte.
      throw new IllegalArgumentException("label must be in 0..255, got " + label + " for " + image);
    }
  }
}
