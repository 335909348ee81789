package org.medlora.synth;

import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.Random;

/**
 * A frontal (PA) chest radiograph phantom: X-ray attenuation drawn bright, air dark. Body, spine,
 * clavicles and posterior ribs over two dark lung fields with soft edges, the heart shadow cut
 * out of the left lung, uneven exposure and noise. Pneumonia adds patchy opacities (brighter,
 * fluffy regions) inside the lung fields, large enough for a linear probe to see.
 *
 * <p>Geometry is written in fractions of the width ({@code u}) and height ({@code v}); the image
 * left is the patient's right, as on a PA film.
 */
final class ChestPhantom {

  /**
   * The image (0..1) and its lung masks (0 or 255 per pixel), all {@code width x height}: both
   * lungs, and each lung alone as Montgomery ships them (sides are the patient's).
   */
  record Drawing(
      int width, int height, float[] image, byte[] lungMask, byte[] rightLungMask, byte[] leftLungMask) {}

  private final Canvas canvas;
  private final Random rng;
  private final int w;
  private final int h;
  private final double s;

  private ChestPhantom(int width, int height, Random rng) {
    this.canvas = new Canvas(width, height);
    this.rng = rng;
    this.w = width;
    this.h = height;
    this.s = Math.min(width, height);
  }

  static Drawing draw(int width, int height, Random rng, boolean pneumonia) {
    return new ChestPhantom(width, height, rng).draw(pneumonia);
  }

  private Drawing draw(boolean pneumonia) {
    double bodyWidth = 0.88 + jitter(0.04);
    Area body = new Area(new RoundRectangle2D.Double(
        (1 - bodyWidth) / 2 * w, (0.09 + jitter(0.02)) * h, bodyWidth * w, 1.1 * h, 0.45 * w, 0.3 * h));
    body.add(new Area(new Rectangle2D.Double(0.40 * w, -0.05 * h, 0.20 * w, 0.2 * h)));
    float[] bodyCover = canvas.blur(canvas.fill(body, true), 0.006 * s);
    float[] img = canvas.filled(0.05f);
    Canvas.add(img, bodyCover, 0.45f);

    Ellipse2D heart = new Ellipse2D.Double(
        (0.40 + jitter(0.02)) * w, (0.42 + jitter(0.03)) * h, (0.33 + jitter(0.03)) * w, (0.27 + jitter(0.02)) * h);
    Area right = new Area(lung(false));
    Area left = new Area(lung(true));
    right.subtract(new Area(heart));
    left.subtract(new Area(heart));
    Area lungs = new Area(right);
    lungs.add(left);
    float[] lungCover = canvas.fill(lungs, true);
    byte[] mask = Canvas.toMask(canvas.fill(lungs, false));
    byte[] rightMask = Canvas.toMask(canvas.fill(right, false));
    byte[] leftMask = Canvas.toMask(canvas.fill(left, false));
    float[] lungSoft = canvas.blur(lungCover.clone(), 0.008 * s);
    Canvas.add(img, lungSoft, -0.30f);
    // Vessels and bronchi: faint blotchy texture in the lungs, denser towards the hila.
    float[] texture = canvas.smoothNoise(rng, 0.01 * s);
    for (int i = 0; i < img.length; i++) {
      img[i] += 0.02f * texture[i] * lungSoft[i];
    }
    for (double u : new double[] {0.40, 0.60}) {
      float[] hilum = canvas.blur(canvas.fill(
          new Ellipse2D.Double((u - 0.06) * w, 0.36 * h, 0.12 * w, 0.14 * h), true), 0.03 * s);
      Canvas.add(img, hilum, 0.07f);
    }

    Canvas.add(img, canvas.blur(canvas.fill(heart, true), 0.01 * s), 0.10f);
    Canvas.add(img, canvas.blur(canvas.fill(
        new Rectangle2D.Double(0.455 * w, 0, 0.09 * w, h), true), 0.006 * s), 0.12f);
    Path2D vertebrae = new Path2D.Double();
    for (double v = 0.05 + jitter(0.02); v < 1; v += 0.055) {
      vertebrae.append(new RoundRectangle2D.Double(0.468 * w, v * h, 0.064 * w, 0.04 * h, 0.02 * w, 0.02 * h), false);
    }
    Canvas.add(img, canvas.blur(canvas.fill(vertebrae, true), 0.003 * s), 0.05f);
    Canvas.add(img, canvas.blur(canvas.fill(
        new Rectangle2D.Double(0.49 * w, 0, 0.02 * w, 0.33 * h), true), 0.004 * s), -0.10f);

    Path2D bones = new Path2D.Double();
    double ribStart = 0.12 + jitter(0.015);
    for (int rib = 0; rib < 10; rib++) {
      double v = ribStart + rib * (0.058 + jitter(0.003));
      for (int side = -1; side <= 1; side += 2) {
        bones.append(new QuadCurve2D.Double(
            (0.5 + side * 0.05) * w, v * h,
            (0.5 + side * 0.30) * w, (v - 0.07) * h,
            (0.5 + side * 0.41) * w, (v + 0.11) * h), false);
      }
    }
    float[] ribs = canvas.blur(canvas.stroke(bones, (float) (0.016 * s)), 0.003 * s);
    Path2D clavicles = new Path2D.Double();
    for (int side = -1; side <= 1; side += 2) {
      clavicles.append(new Line2D.Double((0.5 + side * 0.05) * w, 0.17 * h, (0.5 + side * 0.33) * w, (0.10 + jitter(0.01)) * h), false);
    }
    float[] clavicle = canvas.blur(canvas.stroke(clavicles, (float) (0.022 * s)), 0.003 * s);
    for (int i = 0; i < img.length; i++) {
      img[i] += (0.09f * ribs[i] + 0.10f * clavicle[i]) * bodyCover[i];
    }

    if (pneumonia) {
      addOpacities(img, mask, lungSoft);
    }
    // Uneven exposure, then quantum noise.
    Canvas.add(img, canvas.smoothNoise(rng, 0.12 * s), 0.03f);
    Canvas.add(img, canvas.noise(rng), 0.015f);
    return new Drawing(w, h, img, mask, rightMask, leftMask);
  }

  /**
   * One lung field; {@code left} is the patient's left (image right), drawn as the mirror image
   * with a slightly lower diaphragm. The path runs medial apex, apex dome, lateral wall,
   * costophrenic angle, diaphragm dome, and back up the medial border.
   */
  private Path2D lung(boolean left) {
    double apex = 0.15 + jitter(0.02);
    double bottom = 0.70 + jitter(0.03) + (left ? 0.02 : 0);
    double lateral = 0.12 + jitter(0.015);
    double medial = 0.44 + jitter(0.01);
    double[][] p = {
      {medial, apex + 0.05},
      {medial - 0.03, apex - 0.02}, {lateral + 0.12, apex - 0.03}, {lateral + 0.05, apex + 0.08},
      {lateral - 0.01, apex + 0.25}, {lateral - 0.01, bottom - 0.15}, {lateral + 0.01, bottom},
      {lateral + 0.10, bottom - 0.10}, {medial - 0.08, bottom - 0.13}, {medial, bottom - 0.05},
    };
    Path2D path = new Path2D.Double();
    for (int i = 0; i < p.length; i++) {
      double x = (left ? 1 - p[i][0] : p[i][0]) * w;
      double y = p[i][1] * h;
      if (i == 0) {
        path.moveTo(x, y);
      } else if (i % 3 == 0) {
        double[] a = p[i - 2];
        double[] b = p[i - 1];
        path.curveTo((left ? 1 - a[0] : a[0]) * w, a[1] * h, (left ? 1 - b[0] : b[0]) * w, b[1] * h, x, y);
      }
    }
    path.closePath();
    return path;
  }

  /** Fluffy consolidations in one or both lungs: blurred blobs, patchy inside, lungs only. */
  private void addOpacities(float[] img, byte[] mask, float[] lungSoft) {
    Area blobs = new Area();
    int count = 3 + rng.nextInt(4);
    for (int b = 0; b < count; b++) {
      int[] at = pointInMask(mask);
      double rx = (0.08 + 0.06 * rng.nextDouble()) * s;
      double ry = (0.07 + 0.06 * rng.nextDouble()) * s;
      blobs.add(new Area(new Ellipse2D.Double(at[0] - rx, at[1] - ry, 2 * rx, 2 * ry)));
    }
    float[] cover = canvas.blur(canvas.fill(blobs, true), 0.025 * s);
    float[] patches = canvas.smoothNoise(rng, 0.025 * s);
    float strength = 0.28f + 0.08f * rng.nextFloat();
    for (int i = 0; i < img.length; i++) {
      float patchy = Math.max(0f, Math.min(1f, 0.75f + 0.3f * patches[i]));
      img[i] += strength * cover[i] * patchy * lungSoft[i];
    }
  }

  private int[] pointInMask(byte[] mask) {
    for (int attempt = 0; attempt < 10_000; attempt++) {
      int x = rng.nextInt(w);
      int y = rng.nextInt(h);
      if (mask[y * w + x] != 0) {
        return new int[] {x, y};
      }
    }
    return new int[] {w / 4, h / 2};
  }

  /** Uniform in [-a, a]. */
  private double jitter(double a) {
    return (2 * rng.nextDouble() - 1) * a;
  }
}
