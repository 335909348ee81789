package org.medlora.imaging.dicom;

/**
 * A VOI window (PS3.3 C.11.2.1.2): the modality values from {@code center - width/2} to
 * {@code center + width/2} span the display range.
 */
public record Window(double center, double width) {

  public Window {
    if (!Double.isFinite(center) || !(width >= 1)) {
      throw new IllegalArgumentException("a window needs a finite center and a width >= 1, got "
          + center + "," + width);
    }
  }

  /**
   * Parses {@code "center,width"}, as in {@code ?window=40,400}.
   *
   * @throws IllegalArgumentException saying the expected form
   */
  public static Window parse(String text) {
    String[] parts = text.split(",");
    try {
      if (parts.length == 2) {
        return new Window(Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip()));
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("window must be \"center,width\" in modality units, e.g."
        + " window=2048,4096; got \"" + text + "\"");
  }
}
