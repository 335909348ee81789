package org.medlora.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.Random;

/**
 * A gray image of {@code width x height} float layers (row-major, nominally 0..1) and the few
 * operations the phantoms are composed of. Shapes are rasterized with Java2D; blur and noise are
 * our own, so a seed fixes every pixel.
 */
final class Canvas {

  final int width;
  final int height;

  Canvas(int width, int height) {
    if (width < 16 || height < 16) {
      throw new IllegalArgumentException("canvas must be at least 16x16, got " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
  }

  float[] blank() {
    return new float[width * height];
  }

  float[] filled(float value) {
    float[] a = blank();
    Arrays.fill(a, value);
    return a;
  }

  /** 1 inside {@code shape}, 0 outside; fractional on the edge if antialiased. */
  float[] fill(Shape shape, boolean antialias) {
    return render(shape, null, antialias);
  }

  /** Coverage of {@code shape}'s outline drawn with a round stroke of {@code strokeWidth} px. */
  float[] stroke(Shape shape, float strokeWidth) {
    return render(shape, new BasicStroke(strokeWidth, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND), true);
  }

  private float[] render(Shape shape, BasicStroke stroke, boolean antialias) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
          antialias ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      if (stroke == null) {
        g.fill(shape);
      } else {
        g.setStroke(stroke);
        g.draw(shape);
      }
    } finally {
      g.dispose();
    }
    byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    float[] out = blank();
    for (int i = 0; i < out.length; i++) {
      out[i] = (px[i] & 0xff) / 255f;
    }
    return out;
  }

  /**
   * Approximate Gaussian blur in place: three box passes per axis, whose variance adds up to
   * {@code sigma^2}; edges are clamped.
   */
  float[] blur(float[] a, double sigma) {
    int r = (int) Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2);
    if (r < 1) {
      return a;
    }
    float[] tmp = blank();
    for (int pass = 0; pass < 3; pass++) {
      box(a, tmp, true, r);
      box(tmp, a, false, r);
    }
    return a;
  }

  /** One running-sum box pass of radius {@code r} along every row or every column. */
  private void box(float[] src, float[] dst, boolean rows, int r) {
    int lines = rows ? height : width;
    int length = rows ? width : height;
    int step = rows ? 1 : width;
    float norm = 1f / (2 * r + 1);
    for (int line = 0; line < lines; line++) {
      int base = rows ? line * width : line;
      double sum = 0;
      for (int k = -r; k <= r; k++) {
        sum += src[base + clamp(k, length) * step];
      }
      for (int i = 0; i < length; i++) {
        dst[base + i * step] = (float) (sum * norm);
        sum += src[base + clamp(i + r + 1, length) * step] - src[base + clamp(i - r, length) * step];
      }
    }
  }

  private static int clamp(int i, int length) {
    return i < 0 ? 0 : (i >= length ? length - 1 : i);
  }

  /** Independent standard normal values. */
  float[] noise(Random rng) {
    float[] a = blank();
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rng.nextGaussian();
    }
    return a;
  }

  /** Noise blurred at {@code sigma} and rescaled to unit standard deviation: blotches of that size. */
  float[] smoothNoise(Random rng, double sigma) {
    float[] a = blur(noise(rng), sigma);
    double sq = 0;
    for (float v : a) {
      sq += v * v;
    }
    float scale = (float) (1 / Math.sqrt(sq / a.length + 1e-12));
    for (int i = 0; i < a.length; i++) {
      a[i] *= scale;
    }
    return a;
  }

  /** {@code a += k * b}. */
  static void add(float[] a, float[] b, float k) {
    for (int i = 0; i < a.length; i++) {
      a[i] += k * b[i];
    }
  }

  /** 8-bit samples: {@code round(255 * v)}, clamped to 0..255. */
  static byte[] toBytes(float[] v) {
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      float x = v[i] < 0 ? 0 : (v[i] > 1 ? 1 : v[i]);
      out[i] = (byte) Math.round(x * 255f);
    }
    return out;
  }

  /** 0 or 255 per pixel: {@code mask > 0.5}, the usual encoding of binary mask files. */
  static byte[] toMask(float[] coverage) {
    byte[] out = new byte[coverage.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = coverage[i] > 0.5f ? (byte) 255 : 0;
    }
    return out;
  }
}
