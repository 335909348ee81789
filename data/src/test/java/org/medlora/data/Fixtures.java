package org.medlora.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.imaging.LabelMasks;

/** Small synthetic data sets and hand-made images for the data tests. */
final class Fixtures {

  /** Small enough to keep every test fast, large enough for the phantoms' anatomy. */
  static final int SIZE = 64;

  private Fixtures() {}

  /** Writes {@code count} images of {@code kind} into {@code out}; returns the root to read. */
  static Path synth(SyntheticDatasets.Kind kind, int count, Path out) throws IOException {
    return SyntheticDatasets.write(kind, new SyntheticDatasets.Options(count, 1, SIZE, false), out).root();
  }

  /** The first entry of a folder in sorted order. */
  static Path first(Path dir) throws IOException {
    return list(dir).get(0);
  }

  /** The entries of a folder in sorted order. */
  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  /** Writes an 8-bit gray PNG of {@code pixels} (row-major, 0..255 as unsigned bytes). */
  static Path png(Path file, byte[] pixels, int height, int width) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, LabelMasks.toPng(pixels, height, width));
  }

  /** A {@code height x width} mask that is 255 inside the rectangle [y0, y1) x [x0, x1). */
  static byte[] rect(int height, int width, int y0, int y1, int x0, int x1) {
    byte[] m = new byte[height * width];
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        m[y * width + x] = (byte) 255;
      }
    }
    return m;
  }
}
