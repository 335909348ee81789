package org.medlora.synth;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A B-mode breast ultrasound phantom: skin line, subcutaneous fat with Cooper's ligaments,
 * heterogeneous fibroglandular tissue and striated pectoral muscle, attenuating with depth, under
 * multiplicative speckle. A benign lesion is a smooth, wider-than-tall dark oval with a thin
 * capsule and posterior enhancement (brighter below); a malignant one is an irregular, spiculated,
 * taller-than-wide dark mass with an echogenic halo and posterior shadowing (darker below).
 */
final class UltrasoundPhantom {

  enum Finding { NONE, BENIGN, MALIGNANT }

  /**
   * The image (0..1) and its masks (0 or 255 per pixel): one per lesion; for {@code NONE} a
   * single all-zero mask, as BUSI ships for its normal images.
   */
  record Drawing(int width, int height, float[] image, List<byte[]> masks) {}

  /** Assumed field of view across the image, for the caliper readout. */
  private static final double FIELD_CM = 4.0;

  private final Canvas canvas;
  private final Random rng;
  private final int w;
  private final int h;
  private final double s;

  private UltrasoundPhantom(int width, int height, Random rng) {
    this.canvas = new Canvas(width, height);
    this.rng = rng;
    this.w = width;
    this.h = height;
    this.s = Math.min(width, height);
  }

  static Drawing draw(int width, int height, Random rng, Finding finding, boolean secondLesion,
      boolean calipers) {
    return new UltrasoundPhantom(width, height, rng).draw(finding, secondLesion, calipers);
  }

  private Drawing draw(Finding finding, boolean secondLesion, boolean calipers) {
    int[] layer = layers();
    float[] img = tissue(layer);

    List<Shape> lesions = new ArrayList<>();
    if (finding != Finding.NONE) {
      double cx = (0.3 + 0.4 * rng.nextDouble()) * w;
      double cy = (0.36 + 0.2 * rng.nextDouble()) * h;
      double rx = (finding == Finding.BENIGN ? 0.08 + 0.07 * rng.nextDouble() : 0.07 + 0.06 * rng.nextDouble()) * w;
      lesions.add(lesion(finding, cx, cy, rx));
      if (secondLesion) {
        double angle = 2 * Math.PI * rng.nextDouble();
        double distance = (0.6 + 0.7 * rng.nextDouble()) * rx;
        double x2 = Math.max(0.1 * w, Math.min(0.9 * w, cx + distance * Math.cos(angle)));
        double y2 = Math.max(0.2 * h, Math.min(0.75 * h, cy + distance * Math.sin(angle)));
        lesions.add(lesion(finding, x2, y2, rx * (0.45 + 0.25 * rng.nextDouble())));
      }
    }
    for (Shape lesion : lesions) {
      posterior(img, lesion, finding == Finding.BENIGN ? 0.5f : -0.6f);
    }
    for (Shape lesion : lesions) {
      paintLesion(img, lesion, finding);
    }

    float[] speckle = speckle();
    float[] grain = canvas.noise(rng);
    for (int y = 0; y < h; y++) {
      float attenuation = 1f - 0.3f * y / h;
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        img[i] = img[i] * attenuation * (0.35f + 0.65f * speckle[i]) + 0.01f * grain[i];
      }
    }

    List<byte[]> masks = new ArrayList<>();
    for (Shape lesion : lesions) {
      masks.add(Canvas.toMask(canvas.fill(lesion, false)));
    }
    if (masks.isEmpty()) {
      masks.add(new byte[w * h]);
    }
    if (calipers && !lesions.isEmpty()) {
      burnCalipers(img, masks.get(0));
    }
    return new Drawing(w, h, img, masks);
  }

  /** Per pixel, the tissue layer 0..4 (skin, fat, gland, muscle, chest wall) under wavy boundaries. */
  private int[] layers() {
    double[] depth = {0.035, 0.20 + jitter(0.04), 0.62 + jitter(0.06), 0.82 + jitter(0.04)};
    double[][] wave = new double[depth.length][3];
    for (double[] wv : wave) {
      wv[0] = 0.005 + 0.025 * rng.nextDouble(); // amplitude
      wv[1] = 0.6 + 1.5 * rng.nextDouble(); // periods across the image
      wv[2] = 2 * Math.PI * rng.nextDouble(); // phase
    }
    int[] layer = new int[w * h];
    for (int x = 0; x < w; x++) {
      double[] bound = new double[depth.length];
      for (int k = 0; k < depth.length; k++) {
        double b = depth[k] + (k == 0 ? 0.2 : 1) * wave[k][0] * Math.sin(2 * Math.PI * wave[k][1] * x / w + wave[k][2]);
        bound[k] = k == 0 ? b : Math.max(b, bound[k - 1] + 0.02);
      }
      for (int k = 0; k < bound.length; k++) {
        bound[k] *= h;
      }
      for (int y = 0; y < h; y++) {
        int l = 0;
        while (l < bound.length && y >= bound[l]) {
          l++;
        }
        layer[y * w + x] = l;
      }
    }
    return layer;
  }

  private float[] tissue(int[] layer) {
    float[] level = {0.85f, 0.28f, 0.62f, 0.42f, 0.12f};
    float[] img = canvas.blank();
    for (int i = 0; i < img.length; i++) {
      img[i] = level[layer[i]];
    }
    canvas.blur(img, 0.004 * s);
    float[] glandular = canvas.smoothNoise(rng, 0.015 * s);
    float[] fatty = canvas.smoothNoise(rng, 0.03 * s);
    float[] wobble = canvas.smoothNoise(rng, 0.05 * s);
    double period = 0.025 * h;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        switch (layer[i]) {
          case 1 -> img[i] += 0.06f * fatty[i];
          case 2 -> img[i] += 0.16f * glandular[i];
          case 3 -> img[i] += 0.08f * (float) Math.sin(2 * Math.PI * y / period + 1.5 * wobble[i]);
          default -> { }
        }
      }
    }
    // Cooper's ligaments: thin bright arcs through the fat; and a few dark fat lobules.
    Path2D ligaments = new Path2D.Double();
    int n = 3 + rng.nextInt(3);
    for (int k = 0; k < n; k++) {
      double x0 = w * rng.nextDouble();
      ligaments.append(new QuadCurve2D.Double(x0, 0.05 * h, x0 + jitter(0.15) * w, 0.12 * h,
          x0 + jitter(0.25) * w, 0.24 * h), false);
    }
    Canvas.add(img, canvas.blur(canvas.stroke(ligaments, (float) Math.max(1, 0.004 * s)), 0.002 * s), 0.2f);
    int lobules = 2 + rng.nextInt(3);
    for (int k = 0; k < lobules; k++) {
      double rx = (0.03 + 0.03 * rng.nextDouble()) * w;
      float[] lobule = canvas.blur(canvas.fill(new Ellipse2D.Double(
          w * rng.nextDouble() - rx, (0.09 + 0.08 * rng.nextDouble()) * h, 2 * rx, rx), true), 0.004 * s);
      for (int i = 0; i < img.length; i++) {
        img[i] += 0.5f * lobule[i] * (0.18f - img[i]);
      }
    }
    return img;
  }

  /** Benign: a smooth, gently lobulated oval, wider than tall. Malignant: irregular and spiculated. */
  private Shape lesion(Finding finding, double cx, double cy, double rx) {
    boolean benign = finding == Finding.BENIGN;
    double ry = rx * (benign ? 0.5 + 0.25 * rng.nextDouble() : 0.9 + 0.45 * rng.nextDouble());
    double tilt = jitter(benign ? 0.25 : 0.5);
    double[] amp = new double[8];
    double[] phase = new double[8];
    for (int k = 2; k < 8; k++) {
      amp[k] = benign ? (k <= 3 ? 0.04 * rng.nextDouble() : 0) : 0.08 * rng.nextDouble();
      phase[k] = 2 * Math.PI * rng.nextDouble();
    }
    int spikes = benign ? 0 : 7 + rng.nextInt(6);
    double[] spikeAt = new double[spikes];
    double[] spikeWidth = new double[spikes];
    double[] spikeLength = new double[spikes];
    for (int j = 0; j < spikes; j++) {
      spikeAt[j] = 2 * Math.PI * rng.nextDouble();
      spikeWidth[j] = 0.05 + 0.05 * rng.nextDouble();
      spikeLength[j] = 0.25 + 0.35 * rng.nextDouble();
    }
    Path2D path = new Path2D.Double();
    int points = 240;
    for (int p = 0; p < points; p++) {
      double t = 2 * Math.PI * p / points;
      double r = 1;
      for (int k = 2; k < 8; k++) {
        r += amp[k] * Math.cos(k * t + phase[k]);
      }
      for (int j = 0; j < spikes; j++) {
        double d = Math.abs(Math.IEEEremainder(t - spikeAt[j], 2 * Math.PI));
        r += spikeLength[j] * Math.max(0, 1 - d / spikeWidth[j]);
      }
      double ex = rx * r * Math.cos(t);
      double ey = ry * r * Math.sin(t);
      double x = cx + ex * Math.cos(tilt) - ey * Math.sin(tilt);
      double y = cy + ex * Math.sin(tilt) + ey * Math.cos(tilt);
      if (p == 0) {
        path.moveTo(x, y);
      } else {
        path.lineTo(x, y);
      }
    }
    path.closePath();
    return path;
  }

  /** Multiplies the column beneath a lesion by {@code 1 + gain}, fading in at its centre and with depth. */
  private void posterior(float[] img, Shape lesion, float gain) {
    Rectangle2D box = lesion.getBounds2D();
    double inset = 0.15 * box.getWidth();
    float[] band = canvas.blur(canvas.fill(new Rectangle2D.Double(
        box.getMinX() + inset, box.getCenterY(), box.getWidth() - 2 * inset, h), true), 0.08 * box.getWidth() + 1);
    for (int y = 0; y < h; y++) {
      double fade = y > box.getMaxY() ? Math.exp(-(y - box.getMaxY()) / (0.7 * h)) : 1;
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        img[i] *= 1 + gain * band[i] * (float) fade;
      }
    }
  }

  private void paintLesion(float[] img, Shape lesion, Finding finding) {
    float[] cover = canvas.blur(canvas.fill(lesion, true), 0.004 * s);
    boolean benign = finding == Finding.BENIGN;
    float[] inside = canvas.smoothNoise(rng, benign ? 0.005 * s : 0.01 * s);
    float[] rim = canvas.blur(canvas.stroke(lesion, (float) ((benign ? 0.006 : 0.03) * s)), 0.004 * s);
    for (int i = 0; i < img.length; i++) {
      float interior = benign ? 0.06f + 0.02f * inside[i] : 0.10f + 0.06f * inside[i];
      // A thin bright capsule (benign) or a thick echogenic halo around the mass (malignant).
      float edge = (benign ? 0.18f : 0.10f) * rim[i] * (1 - cover[i]);
      img[i] = img[i] * (1 - cover[i]) + interior * cover[i] + edge;
    }
  }

  /** Fully developed speckle: the magnitude of blurred complex Gaussian noise, mean 1. */
  private float[] speckle() {
    double grain = Math.max(0.6, 0.0025 * s);
    float[] re = canvas.blur(canvas.noise(rng), grain);
    float[] im = canvas.blur(canvas.noise(rng), grain);
    float[] out = canvas.blank();
    double sum = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) Math.hypot(re[i], im[i]);
      sum += out[i];
    }
    float scale = (float) (out.length / sum);
    for (int i = 0; i < out.length; i++) {
      out[i] *= scale;
    }
    return out;
  }

  /** '+' marks at the ends of the lesion's horizontal and vertical extent and a readout, as BUSI's scanners burn in. */
  private void burnCalipers(float[] img, byte[] mask) {
    int minX = w;
    int maxX = -1;
    int minY = h;
    int maxY = -1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (mask[y * w + x] != 0) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    if (maxX < 0) {
      return;
    }
    int cx = (minX + maxX) / 2;
    int cy = (minY + maxY) / 2;
    int arm = (int) Math.max(2, Math.round(s / 70));
    for (int[] at : new int[][] {{minX, cy}, {maxX, cy}, {cx, minY}, {cx, maxY}}) {
      for (int d = -arm; d <= arm; d++) {
        set(img, at[0] + d, at[1], 1f);
        set(img, at[0], at[1] + d, 1f);
      }
    }
    double cmPerPixel = FIELD_CM / w;
    String readout = String.format(Locale.ROOT, "D1 %.2fcm D2 %.2fcm",
        (maxX - minX + 1) * cmPerPixel, (maxY - minY + 1) * cmPerPixel);
    int scale = (int) Math.max(1, Math.round(s / 220));
    Glyphs.draw(img, w, h, readout, (int) (0.03 * w), h - 7 * scale, scale, 0.95f);
  }

  private void set(float[] img, int x, int y, float v) {
    if (x >= 0 && x < w && y >= 0 && y < h) {
      img[y * w + x] = v;
    }
  }

  /** Uniform in [-a, a]. */
  private double jitter(double a) {
    return (2 * rng.nextDouble() - 1) * a;
  }
}
