package org.medlora.imaging;

/** Width and height in pixels, as the image is displayed. */
public record ImageSize(int width, int height) {

  @Override
  public String toString() {
    return width + "x" + height;
  }
}
