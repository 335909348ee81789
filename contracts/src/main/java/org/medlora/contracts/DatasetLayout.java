package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The folder layouts of the public data sets that the trainer reads. */
public enum DatasetLayout implements JsonNamed {
  /**
   * Kermany's pediatric pneumonia chest X-rays, {@code chest_xray/{train,val,test}/{NORMAL,PNEUMONIA}};
   * classification only (it has no masks).
   */
  @JsonProperty("kermany")
  KERMANY,
  /**
   * Breast ultrasound, {@code Dataset_BUSI_with_GT/{benign,malignant,normal}} with a mask beside
   * each image; classification or segmentation.
   */
  @JsonProperty("busi")
  BUSI,
  /**
   * An image folder ({@code CXR_png} or {@code images}) beside a {@code masks} folder with the
   * same file names, optionally suffixed {@code _mask} (Shenzhen lungs), and/or beside
   * {@code ManualMask/leftMask} and {@code ManualMask/rightMask} with one mask per lung under the
   * image's name (Montgomery as downloaded; the lung mask is their union); segmentation only.
   */
  @JsonProperty("image-mask-folders")
  IMAGE_MASK_FOLDERS;

  /** Whether this layout holds masks, which segmentation needs. */
  public boolean hasMasks() {
    return this != KERMANY;
  }

  /** Whether this layout holds image-level labels, which classification needs. */
  public boolean hasImageLabels() {
    return this != IMAGE_MASK_FOLDERS;
  }

  /** The JSON name, as messages quote it. */
  @Override
  public String toString() {
    return jsonName();
  }
}
