package org.medlora.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Random;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.LabelMasks;
import org.medlora.imaging.Preprocessor;
import org.medlora.imaging.UnsupportedImageException;

/**
 * Turns a {@link Sample} into an {@link Example}: decodes with the shared {@link ImageDecoder},
 * augments, and preprocesses with the shared {@link Preprocessor}, so that training sees exactly
 * what serving will. Masks are OR-combined, then cropped and flipped with the image and resized
 * with nearest neighbour, so class indices are never blended.
 *
 * <p>Stateless and thread-safe; give each thread its own {@link Random}.
 */
public final class ExampleLoader {

  /** DINOv2's patch size: one patch-mask entry per 14 x 14 input pixels. */
  public static final int PATCH_SIZE = 14;

  private final ImageLimits limits;

  /** A loader with {@link ImageLimits#DEFAULT}. */
  public ExampleLoader() {
    this(ImageLimits.DEFAULT);
  }

  public ExampleLoader(ImageLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Loads one example at {@code spec}'s input size. Segmentation samples (those with masks) get
   * a mask whose pixels are {@code sample.label()} wherever any of the sample's masks is non-zero
   * and 0 elsewhere.
   *
   * @throws DatasetException naming the file if an image or mask cannot be decoded, or a mask's
   *     size differs from its image's
   * @throws IllegalArgumentException for a segmentation sample if {@code spec}'s size is not a
   *     multiple of {@link #PATCH_SIZE}
   */
  public Example load(Sample sample, PreprocessingSpec spec, Augmentation augmentation, Random rng)
      throws DatasetException {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(augmentation, "augmentation");
    boolean segmentation = !sample.masks().isEmpty();
    if (segmentation && (spec.height() % PATCH_SIZE != 0 || spec.width() % PATCH_SIZE != 0)) {
      throw new IllegalArgumentException(
          "input size " + spec.height() + "x" + spec.width() + " must be a multiple of the patch "
              + "size " + PATCH_SIZE + " for segmentation targets, e.g. 448x448");
    }
    DecodedImage image = decode(sample.image());
    byte[] mask = segmentation ? combinedMask(sample, image) : null;
    Augmentation.Plan plan = augmentation.plan(image.height(), image.width(), rng);
    float[] pixels = Preprocessor.toModelInput(plan.apply(image), spec);
    if (!segmentation) {
      return new Example(pixels, null, null, sample.label());
    }
    byte[] cropped = plan.apply(mask);
    // Both targets come from the cropped mask directly: one nearest step each, not two.
    byte[] full = LabelMasks.resizeNearest(
        cropped, plan.height(), plan.width(), spec.height(), spec.width());
    byte[] patches = LabelMasks.resizeNearest(
        cropped, plan.height(), plan.width(), spec.height() / PATCH_SIZE, spec.width() / PATCH_SIZE);
    return new Example(pixels, full, patches, sample.label());
  }

  /** The label where any mask is non-zero: OR, never a sum, which would wrap around in a byte. */
  private byte[] combinedMask(Sample sample, DecodedImage image) throws DatasetException {
    int plane = image.height() * image.width();
    byte[] combined = new byte[plane];
    byte value = (byte) sample.label();
    for (Path file : sample.masks()) {
      DecodedImage mask = decode(file);
      if (mask.height() != image.height() || mask.width() != image.width()) {
        throw new DatasetException(
            file, "mask is " + mask.width() + "x" + mask.height() + " (WxH) but its image "
                + sample.image() + " is " + image.width() + "x" + image.height()
                + "; a mask must have its image's size");
      }
      float[] s = mask.samples();
      for (int c = 0; c < mask.channels(); c++) {
        for (int i = 0; i < plane; i++) {
          if (s[c * plane + i] > 0f) {
            combined[i] = value;
          }
        }
      }
    }
    return combined;
  }

  private DecodedImage decode(Path file) throws DatasetException {
    try {
      return ImageDecoder.decode(file, limits);
    } catch (UnsupportedImageException e) {
      // The decoder's message already starts with the path; keep only the reason.
      String reason = e.getMessage().startsWith(file + ": ")
          ? e.getMessage().substring(file.toString().length() + 2) : e.getMessage();
      throw new DatasetException(file, reason, e);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot be read: " + e, e);
    }
  }
}
