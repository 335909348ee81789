package org.medlora.imaging;

/**
 * The colours segmentation classes are drawn in, everywhere a mask is shown over an image (the
 * service's overlays, JSON and DICOM Segmentations, the report's figures), so that a class looks
 * the same in each. Class 0, the background, is left uncoloured.
 */
public final class ClassColours {

  /** Opacity of a class colour over the image. */
  public static final float OPACITY = 0.45f;

  /** RGB of classes 1, 2, ...; repeated beyond ten classes. */
  private static final int[][] RGB = {
    {230, 25, 75}, {60, 180, 75}, {0, 130, 200}, {255, 225, 25}, {145, 30, 180},
    {70, 240, 240}, {245, 130, 48}, {240, 50, 230}, {210, 245, 60}, {0, 128, 128},
  };
  private static final String[] NAMES = {
    "red", "green", "blue", "yellow", "purple", "cyan", "orange", "magenta", "lime", "teal",
  };

  private ClassColours() {}

  /** The colour of foreground class {@code index} (1 or more) as {@code 0xRRGGBB}. */
  public static int rgb(int index) {
    int[] c = RGB[slot(index)];
    return c[0] << 16 | c[1] << 8 | c[2];
  }

  /** The colour's name, for legends, e.g. "red". */
  public static String name(int index) {
    return NAMES[slot(index)];
  }

  /** The colour as {@code #rrggbb}; null for the background. */
  public static String hex(int index) {
    if (index == 0) {
      return null;
    }
    return String.format("#%06x", rgb(index));
  }

  /** One channel of a class colour laid over {@code under} at {@link #OPACITY}, unrounded. */
  public static float blend(float under, int over) {
    return under * (1 - OPACITY) + over * OPACITY;
  }

  private static int slot(int index) {
    if (index < 1) {
      throw new IllegalArgumentException("class " + index + " is the background or invalid; it has no colour");
    }
    return (index - 1) % RGB.length;
  }
}
