package org.medlora.synth;

import java.util.Map;

/**
 * A 3x5 pixel font for the caliper readouts burned into ultrasound images. Our own bitmaps
 * rather than a system font, so the pixels do not depend on which fonts a machine has.
 */
final class Glyphs {

  private static final Map<Character, String> BITMAPS = Map.ofEntries(
      Map.entry('0', "111101101101111"), Map.entry('1', "010110010010111"),
      Map.entry('2', "111001111100111"), Map.entry('3', "111001111001111"),
      Map.entry('4', "101101111001001"), Map.entry('5', "111100111001111"),
      Map.entry('6', "111100111101111"), Map.entry('7', "111001001010010"),
      Map.entry('8', "111101111101111"), Map.entry('9', "111101111001111"),
      Map.entry('.', "000000000000010"), Map.entry(':', "000010000010000"),
      Map.entry('c', "000000111100111"), Map.entry('m', "000000111111101"),
      Map.entry('D', "110101101101110"), Map.entry(' ', "000000000000000"));

  private Glyphs() {}

  /**
   * Sets the pixels of {@code text} to {@code value}, top-left at (x, y), each font pixel
   * {@code scale x scale} image pixels; what falls outside the image is clipped.
   */
  static void draw(float[] img, int width, int height, String text, int x, int y, int scale, float value) {
    int cursor = x;
    for (char c : text.toCharArray()) {
      String bits = BITMAPS.get(c);
      if (bits == null) {
        throw new IllegalArgumentException("no glyph for '" + c + "'");
      }
      for (int i = 0; i < 15; i++) {
        if (bits.charAt(i) == '1') {
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              int px = cursor + (i % 3) * scale + dx;
              int py = y + (i / 3) * scale + dy;
              if (px >= 0 && px < width && py >= 0 && py < height) {
                img[py * width + px] = value;
              }
            }
          }
        }
      }
      cursor += 4 * scale;
    }
  }
}
