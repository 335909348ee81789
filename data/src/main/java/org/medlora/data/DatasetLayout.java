package org.medlora.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.medlora.contracts.ModelKind;

/** The folder layouts of the public data sets that users bring, as {@link DatasetReader} reads them. */
public enum DatasetLayout {
  /**
   * Kermany's chest X-ray pneumonia set: {@code chest_xray/{train,val,test}/{NORMAL,PNEUMONIA}/*.jpeg};
   * classification only.
   */
  KERMANY("kermany"),
  /**
   * Breast ultrasound (BUSI): {@code Dataset_BUSI_with_GT/{benign,malignant,normal}/x.png} with
   * masks {@code x_mask.png}, {@code x_mask_1.png}, ...; classification or lesion segmentation.
   */
  BUSI("busi"),
  /**
   * An image folder ({@code CXR_png} or {@code images}) beside a {@code masks} folder with the
   * same file names, optionally suffixed {@code _mask} (Shenzhen lungs), and/or beside
   * {@code ManualMask/leftMask} and {@code ManualMask/rightMask} with one mask per lung under the
   * image's name (Montgomery as downloaded; the lung mask is their union); binary segmentation
   * only.
   */
  IMAGE_MASK_FOLDERS("image-mask-folders");

  private final String id;

  DatasetLayout(String id) {
    this.id = id;
  }

  /** The name used on the command line, in training requests and in model manifests. */
  public String id() {
    return id;
  }

  /** The layout named {@code id}, e.g. {@code "busi"}; case-insensitive. */
  public static DatasetLayout parse(String id) {
    for (DatasetLayout layout : values()) {
      if (layout.id.equals(id == null ? null : id.trim().toLowerCase(Locale.ROOT))) {
        return layout;
      }
    }
    throw new IllegalArgumentException(
        "unknown dataset layout " + (id == null ? "null" : "'" + id + "'") + "; valid layouts: "
            + String.join(", ", Arrays.stream(values()).map(DatasetLayout::id).toList()));
  }

  /**
   * The class names a model trained on this layout predicts; index = label. For segmentation,
   * class 0 is the background.
   *
   * @throws IllegalArgumentException for a combination the data cannot support
   */
  public List<String> classNames(ModelKind kind) {
    return switch (this) {
      case KERMANY -> {
        require(kind == ModelKind.CLASSIFICATION, kind, "it has no masks; use CLASSIFICATION");
        yield List.of("NORMAL", "PNEUMONIA");
      }
      case BUSI -> {
        require(kind == ModelKind.CLASSIFICATION || kind == ModelKind.SEGMENTATION, kind,
            "use CLASSIFICATION or SEGMENTATION");
        yield kind == ModelKind.CLASSIFICATION
            ? List.of("benign", "malignant", "normal")
            : List.of("background", "benign", "malignant");
      }
      case IMAGE_MASK_FOLDERS -> {
        require(kind == ModelKind.SEGMENTATION, kind,
            "its images carry masks but no class labels; use SEGMENTATION");
        yield List.of("background", "lung");
      }
    };
  }

  private void require(boolean ok, ModelKind kind, String advice) {
    if (!ok) {
      throw new IllegalArgumentException(
          "the " + id + " layout cannot be read for " + kind + ": " + advice);
    }
  }
}
