package org.medlora.cli;

import picocli.CommandLine;

/** A model input size given as {@code HxW} on the command line, e.g. {@code 448x448}. */
record ImageSize(int height, int width) {

  ImageSize {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
    }
  }

  static final class Converter implements CommandLine.ITypeConverter<ImageSize> {
    @Override
    public ImageSize convert(String value) {
      String[] parts = value.toLowerCase(java.util.Locale.ROOT).split("x");
      try {
        if (parts.length == 2) {
          return new ImageSize(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        }
      } catch (IllegalArgumentException e) {
        // falls through to the message below
      }
      throw new CommandLine.TypeConversionException(
          "expected HxW with positive integers, e.g. 448x448, got '" + value + "'");
    }
  }
}
