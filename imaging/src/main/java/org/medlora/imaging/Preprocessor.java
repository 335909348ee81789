package org.medlora.imaging;

import java.util.List;
import org.medlora.contracts.PreprocessingSpec;

/**
 * Turns a {@link DecodedImage} into one model input, the same way for training and serving:
 * gray to RGB, bilinear resize (see {@link Bilinear}), divide by 255, normalize per channel.
 */
public final class Preprocessor {

  private static final int MODEL_CHANNELS = 3;

  private Preprocessor() {}

  /** Receives the resized image one row at a time, on the 0..255 scale. */
  @FunctionalInterface
  private interface RowSink {
    void row(int channel, int y, float[] values);
  }

  /**
   * The normalized model input for {@code spec}: {@code 3 * height * width} floats in CHW order,
   * i.e. one image of an NCHW batch. Gray images are replicated to all three channels.
   */
  public static float[] toModelInput(DecodedImage image, PreprocessingSpec spec) {
    float[] out = new float[MODEL_CHANNELS * spec.height() * spec.width()];
    toModelInput(image, spec, out);
    return out;
  }

  /**
   * Writes the model input of {@link #toModelInput(DecodedImage, PreprocessingSpec)} into the
   * first {@code 3 * height * width} floats of {@code into}, for a caller that reuses its arrays
   * (a 448x448 input is 2.4 MB).
   *
   * @throws IllegalArgumentException if {@code into} is shorter
   */
  public static void toModelInput(DecodedImage image, PreprocessingSpec spec, float[] into) {
    int h = spec.height();
    int w = spec.width();
    int plane = h * w;
    if (into.length < MODEL_CHANNELS * plane) {
      throw new IllegalArgumentException("a " + h + "x" + w + " input needs "
          + MODEL_CHANNELS * plane + " floats, the array has " + into.length);
    }
    float[] mean = toArray(spec.mean());
    float[] std = toArray(spec.std());
    // Resizing is per channel, so resizing gray once and replicating afterwards equals
    // replicating first (what the reference does) at a third of the cost. Each resized row is
    // normalized while it is in cache.
    int[][] targets = image.channels() == 1 ? new int[][] {{0, 1, 2}} : new int[][] {{0}, {1}, {2}};
    float[] scaled = new float[w];
    resizeRows(image, h, w, (channel, y, row) -> {
      for (int x = 0; x < w; x++) {
        scaled[x] = row[x] / 255f;
      }
      for (int c : targets[channel]) {
        float m = mean[c];
        float s = std[c];
        int dst = c * plane + y * w;
        for (int x = 0; x < w; x++) {
          // Same float32 operation order as the PyTorch reference: x / 255, then (x - m) / s.
          into[dst + x] = (scaled[x] - m) / s;
        }
      }
    });
  }

  /**
   * The image resized to {@code height x width}, still on the 0..255 scale and with the image's
   * own channel count ({@code channels * height * width} floats, CHW).
   */
  public static float[] resize(DecodedImage image, int height, int width) {
    float[] out = new float[image.channels() * height * width];
    resizeRows(image, height, width,
        (channel, y, row) -> System.arraycopy(row, 0, out, (channel * height + y) * width, width));
    return out;
  }

  /** The bilinear resize, handed out row by row. */
  private static void resizeRows(DecodedImage image, int height, int width, RowSink sink) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
    }
    if ((long) image.channels() * height * width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("output too large: " + height + "x" + width);
    }
    Bilinear.Taps ty = Bilinear.taps(image.height(), height);
    Bilinear.Taps tx = Bilinear.taps(image.width(), width);
    // The two source rows an output row blends, read once each while they stay in use.
    float[] top = new float[image.width()];
    float[] bottom = new float[image.width()];
    float[] out = new float[width];
    for (int c = 0; c < image.channels(); c++) {
      int topRow = -1;
      int bottomRow = -1;
      for (int y = 0; y < height; y++) {
        int i0 = ty.i0()[y];
        int i1 = ty.i1()[y];
        if (i0 == bottomRow && i0 != topRow) { // moving down: the lower row becomes the upper
          float[] t = top;
          top = bottom;
          bottom = t;
          topRow = bottomRow;
          bottomRow = -1;
        }
        if (i0 != topRow) {
          image.readRow(c, i0, top);
          topRow = i0;
        }
        if (i1 != bottomRow) {
          image.readRow(c, i1, bottom);
          bottomRow = i1;
        }
        double wy0 = ty.w0()[y];
        double wy1 = ty.w1()[y];
        for (int x = 0; x < width; x++) {
          int x0 = tx.i0()[x];
          int x1 = tx.i1()[x];
          double wx0 = tx.w0()[x];
          double wx1 = tx.w1()[x];
          double upper = wx0 * top[x0] + wx1 * top[x1];
          double lower = wx0 * bottom[x0] + wx1 * bottom[x1];
          out[x] = (float) (wy0 * upper + wy1 * lower);
        }
        sink.row(c, y, out);
      }
    }
  }

  private static float[] toArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
