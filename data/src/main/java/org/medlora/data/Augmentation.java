package org.medlora.data;

import java.util.Random;
import org.medlora.imaging.DecodedImage;

/**
 * Random geometric augmentation, drawn once per example and applied identically to the image and
 * its mask at the decoded resolution, before both are resized to the model input.
 *
 * @param horizontalFlip mirror left-right with probability 0.5
 * @param verticalFlip mirror top-bottom with probability 0.5
 * @param randomResizedCrop crop a random region (then resized to the input, as torchvision's
 *     {@code RandomResizedCrop})
 * @param cropScaleMin smallest crop area as a fraction of the image area, in (0, 1]
 * @param cropScaleMax largest crop area fraction, in [cropScaleMin, 1]
 */
public record Augmentation(
    boolean horizontalFlip,
    boolean verticalFlip,
    boolean randomResizedCrop,
    double cropScaleMin,
    double cropScaleMax) {

  /** No augmentation: the whole image, unflipped (for validation, testing and serving). */
  public static final Augmentation NONE = new Augmentation(false, false, false, 1, 1);

  private static final double MIN_LOG_RATIO = Math.log(3.0 / 4.0);
  private static final double MAX_LOG_RATIO = Math.log(4.0 / 3.0);
  private static final int CROP_ATTEMPTS = 10;

  public Augmentation {
    if (!(cropScaleMin > 0 && cropScaleMin <= cropScaleMax && cropScaleMax <= 1)) {
      throw new IllegalArgumentException(
          "crop scales must satisfy 0 < min <= max <= 1, got min=" + cropScaleMin + ", max="
              + cropScaleMax);
    }
  }

  /**
   * Draws the transform for an image of {@code height x width}. The crop follows torchvision:
   * an area fraction uniform in [min, max] and an aspect ratio log-uniform in [3/4, 4/3], retried
   * 10 times until it fits; unlike torchvision it then falls back to the whole image rather than
   * a centre crop.
   */
  Plan plan(int height, int width, Random rng) {
    int y = 0;
    int x = 0;
    int h = height;
    int w = width;
    if (randomResizedCrop) {
      double area = (double) height * width;
      for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
        double target = area * (cropScaleMin + (cropScaleMax - cropScaleMin) * rng.nextDouble());
        double ratio = Math.exp(MIN_LOG_RATIO + (MAX_LOG_RATIO - MIN_LOG_RATIO) * rng.nextDouble());
        int cw = (int) Math.round(Math.sqrt(target * ratio));
        int ch = (int) Math.round(Math.sqrt(target / ratio));
        if (cw > 0 && cw <= width && ch > 0 && ch <= height) {
          y = rng.nextInt(height - ch + 1);
          x = rng.nextInt(width - cw + 1);
          h = ch;
          w = cw;
          break;
        }
      }
    }
    boolean flipX = horizontalFlip && rng.nextBoolean();
    boolean flipY = verticalFlip && rng.nextBoolean();
    return new Plan(height, width, y, x, h, w, flipX, flipY);
  }

  /**
   * One drawn transform: take rows {@code y..y+height-1} and columns {@code x..x+width-1} of a
   * {@code sourceHeight x sourceWidth} image, then mirror them as flagged.
   */
  record Plan(
      int sourceHeight, int sourceWidth, int y, int x, int height, int width,
      boolean flipX, boolean flipY) {

    Plan {
      if (y < 0 || x < 0 || height <= 0 || width <= 0
          || y + height > sourceHeight || x + width > sourceWidth) {
        throw new IllegalArgumentException(
            "crop " + height + "x" + width + " at (" + y + ", " + x + ") does not fit "
                + sourceHeight + "x" + sourceWidth);
      }
    }

    boolean isIdentity() {
      return height == sourceHeight && width == sourceWidth && !flipX && !flipY;
    }

    DecodedImage apply(DecodedImage image) {
      checkSource(image.height(), image.width());
      if (isIdentity()) {
        return image;
      }
      float[] in = image.samples();
      float[] out = new float[image.channels() * height * width];
      int inPlane = sourceHeight * sourceWidth;
      int outPlane = height * width;
      for (int c = 0; c < image.channels(); c++) {
        for (int r = 0; r < height; r++) {
          int from = c * inPlane + sourceRow(r) * sourceWidth + x;
          int to = c * outPlane + r * width;
          for (int col = 0; col < width; col++) {
            out[to + col] = in[from + (flipX ? width - 1 - col : col)];
          }
        }
      }
      return DecodedImage.wrap(image.channels(), height, width, image.bitDepth(), out);
    }

    /** The same transform on a row-major {@code sourceHeight x sourceWidth} mask. */
    byte[] apply(byte[] mask) {
      if (mask.length != sourceHeight * sourceWidth) {
        throw new IllegalArgumentException(
            "mask has " + mask.length + " pixels, not " + sourceHeight + "x" + sourceWidth);
      }
      if (isIdentity()) {
        return mask;
      }
      byte[] out = new byte[height * width];
      for (int r = 0; r < height; r++) {
        int from = sourceRow(r) * sourceWidth + x;
        for (int col = 0; col < width; col++) {
          out[r * width + col] = mask[from + (flipX ? width - 1 - col : col)];
        }
      }
      return out;
    }

    private int sourceRow(int r) {
      return y + (flipY ? height - 1 - r : r);
    }

    private void checkSource(int h, int w) {
      if (h != sourceHeight || w != sourceWidth) {
        throw new IllegalArgumentException(
            "plan drawn for " + sourceHeight + "x" + sourceWidth + ", applied to " + h + "x" + w);
      }
    }
  }
}
