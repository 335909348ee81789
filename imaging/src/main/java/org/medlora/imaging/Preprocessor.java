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

  /**
   * The normalized model input for {@code spec}: {@code 3 * height * width} floats in CHW order,
   * i.e. one image of an NCHW batch. Gray images are replicated to all three channels.
   */
  public static float[] toModelInput(DecodedImage image, PreprocessingSpec spec) {
    int h = spec.height();
    int w = spec.width();
    // Resizing is per channel, so resizing gray once and replicating afterwards equals
    // replicating first (what the reference does) at a third of the cost.
    float[] resized = resize(image, h, w);
    int plane = h * w;
    float[] out = new float[MODEL_CHANNELS * plane];
    List<Float> mean = spec.mean();
    List<Float> std = spec.std();
    for (int c = 0; c < MODEL_CHANNELS; c++) {
      int src = image.channels() == 1 ? 0 : c * plane;
      float m = mean.get(c);
      float s = std.get(c);
      int dst = c * plane;
      for (int i = 0; i < plane; i++) {
        // Same float32 operation order as the PyTorch reference: x / 255, then (x - m) / s.
        out[dst + i] = (resized[src + i] / 255f - m) / s;
      }
    }
    return out;
  }

  /**
   * The image resized to {@code height x width}, still on the 0..255 scale and with the image's
   * own channel count ({@code channels * height * width} floats, CHW).
   */
  public static float[] resize(DecodedImage image, int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
    }
    int channels = image.channels();
    if ((long) channels * height * width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("output too large: " + height + "x" + width);
    }
    int inH = image.height();
    int inW = image.width();
    float[] in = image.samplesView();
    Bilinear.Taps ty = Bilinear.taps(inH, height);
    Bilinear.Taps tx = Bilinear.taps(inW, width);
    float[] out = new float[channels * height * width];
    for (int c = 0; c < channels; c++) {
      int inPlane = c * inH * inW;
      int outPlane = c * height * width;
      for (int y = 0; y < height; y++) {
        int row0 = inPlane + ty.i0()[y] * inW;
        int row1 = inPlane + ty.i1()[y] * inW;
        double wy0 = ty.w0()[y];
        double wy1 = ty.w1()[y];
        int outRow = outPlane + y * width;
        for (int x = 0; x < width; x++) {
          int x0 = tx.i0()[x];
          int x1 = tx.i1()[x];
          double wx0 = tx.w0()[x];
          double wx1 = tx.w1()[x];
          double top = wx0 * in[row0 + x0] + wx1 * in[row0 + x1];
          double bottom = wx0 * in[row1 + x0] + wx1 * in[row1 + x1];
          out[outRow + x] = (float) (wy0 * top + wy1 * bottom);
        }
      }
    }
    return out;
  }
}
