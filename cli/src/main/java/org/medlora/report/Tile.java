package org.medlora.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.data.Example;
import org.medlora.imaging.ClassColours;

/**
 * One picture of an example figure: the image as the model saw it (its input, un-normalized),
 * with classes drawn over it or a caption; and the grid that lays the pictures out with a header
 * over each column and a legend under them.
 *
 * @param caption a class name written over the picture, or null
 * @param frame the caption's colour and frame, or null without a caption
 */
record Tile(BufferedImage picture, String caption, Color frame) {

  private static final int SIZE = 192;
  private static final int HEADER = 28;
  private static final int FOOTER = 28;

  static Tile image(Example e, PreprocessingSpec pre) {
    return new Tile(input(e, pre), null, null);
  }

  /** The example's own mask over it, or its class as a caption. */
  static Tile truth(Example e, PreprocessingSpec pre, List<String> classNames) {
    return e.mask() != null ? new Tile(overlay(input(e, pre), e.mask()), null, null)
        : new Tile(input(e, pre), classNames.get(e.label()), Color.WHITE);
  }

  /** A predicted mask over the image, both at the model's input size. */
  static Tile mask(Example e, PreprocessingSpec pre, byte[] mask) {
    return new Tile(overlay(input(e, pre), mask), null, null);
  }

  /** The predicted class and its probability, green when it is the example's class, red when not. */
  static Tile classified(Example e, PreprocessingSpec pre, float[] probabilities, List<String> classNames) {
    int best = 0;
    for (int c = 1; c < probabilities.length; c++) {
      best = probabilities[c] > probabilities[best] ? c : best;
    }
    String caption = String.format(Locale.ROOT, "%s %.2f", classNames.get(best), probabilities[best]);
    return new Tile(input(e, pre), caption, best == e.label() ? new Color(60, 200, 90) : new Color(235, 60, 60));
  }

  /** The foreground classes with their colours, e.g. {@code lung (red)}. */
  static String legend(List<String> classNames) {
    List<String> parts = new ArrayList<>();
    for (int c = 1; c < classNames.size(); c++) {
      parts.add(classNames.get(c) + " " + ClassColours.name(c));
    }
    return "colours: " + String.join(", ", parts) + "; background uncoloured";
  }

  /**
   * Lays {@code columns} out side by side (each a list of tiles, one per example), writes the
   * grid as PNG to {@code file} and returns it.
   */
  static Path grid(List<String> headers, List<List<Tile>> columns, String legend, Path file) throws IOException {
    int rows = columns.get(0).size();
    BufferedImage grid = new BufferedImage(columns.size() * SIZE, HEADER + rows * SIZE + FOOTER,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString(legend, 6, grid.getHeight() - 9);
    for (int c = 0; c < columns.size(); c++) {
      g.setColor(Color.BLACK);
      g.drawString(headers.get(c), c * SIZE + 6, HEADER - 9);
      for (int r = 0; r < rows; r++) {
        columns.get(c).get(r).draw(g, c * SIZE, HEADER + r * SIZE);
      }
    }
    g.dispose();
    if (!ImageIO.write(grid, "png", file.toFile())) {
      throw new IOException("no PNG writer in this JVM to write " + file);
    }
    return file;
  }

  /** The model input back in 8-bit RGB: pixel * std + mean, per channel. */
  private static BufferedImage input(Example e, PreprocessingSpec pre) {
    float[] chw = e.pixels();
    int w = pre.width();
    int plane = pre.height() * w;
    BufferedImage img = new BufferedImage(w, pre.height(), BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < plane; i++) {
      int rgb = 0;
      for (int ch = 0; ch < 3; ch++) {
        float v = chw[ch * plane + i] * pre.std().get(ch) + pre.mean().get(ch);
        rgb = (rgb << 8) | Math.max(0, Math.min(255, Math.round(v * 255f)));
      }
      img.setRGB(i % w, i / w, rgb);
    }
    return img;
  }

  private static BufferedImage overlay(BufferedImage base, byte[] mask) {
    int w = base.getWidth();
    for (int i = 0; i < mask.length; i++) {
      int c = Byte.toUnsignedInt(mask[i]);
      if (c > 0) {
        Color k = new Color(ClassColours.rgb(c));
        Color under = new Color(base.getRGB(i % w, i / w));
        base.setRGB(i % w, i / w, new Color(
            blend(under.getRed(), k.getRed()), blend(under.getGreen(), k.getGreen()),
            blend(under.getBlue(), k.getBlue())).getRGB());
      }
    }
    return base;
  }

  private static int blend(int under, int over) {
    return Math.round(ClassColours.blend(under, over));
  }

  /** Draws this tile scaled to {@code SIZE}, its caption on a dark band and its frame over it. */
  private void draw(Graphics2D g, int x, int y) {
    g.drawImage(picture, x, y, SIZE, SIZE, null);
    if (caption == null) {
      return;
    }
    int band = 22;
    g.setColor(new Color(0, 0, 0, 170));
    g.fillRect(x, y + SIZE - band, SIZE, band);
    g.setColor(frame);
    g.setStroke(new BasicStroke(3));
    g.drawRect(x + 1, y + 1, SIZE - 3, SIZE - 3);
    Font font = g.getFont();
    g.setFont(font.deriveFont(Font.BOLD, 14f));
    g.drawString(caption, x + 6, y + SIZE - 6);
    g.setFont(font);
  }
}
