package org.medlora.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.medlora.contracts.DatasetLayout;
import org.medlora.imaging.LabelMasks;

/**
 * Writes synthetic data sets in the real folder layouts that {@link org.medlora.data.DatasetReader}
 * reads, for demos and tests without patient data. The same kind, options and seed give the same
 * bytes; each image has its own random stream, so raising the count keeps the earlier images.
 */
public final class SyntheticDatasets {

  /** What to generate. */
  public enum Kind {
    /** Chest radiographs with lung masks, Shenzhen and Montgomery file names: {@code image-mask-folders}. */
    LUNG_XRAY("lung-xray", DatasetLayout.IMAGE_MASK_FOLDERS, 1),
    /**
     * As {@link #LUNG_XRAY}, but the Montgomery-style images keep their masks as Montgomery is
     * downloaded: one file per lung, in {@code ManualMask/leftMask} and {@code ManualMask/rightMask}.
     */
    LUNG_XRAY_MONTGOMERY("lung-xray-montgomery", DatasetLayout.IMAGE_MASK_FOLDERS, 1),
    /** Normal and pneumonia chest radiographs, 1 : 2.9, as JPEG: {@code kermany}. */
    PNEUMONIA_XRAY("pneumonia-xray", DatasetLayout.KERMANY, 2),
    /** Benign, malignant and normal breast ultrasound with lesion masks: {@code busi}. */
    BREAST_ULTRASOUND("breast-ultrasound", DatasetLayout.BUSI, 3);

    private final String id;
    private final DatasetLayout layout;
    private final int minCount;

    Kind(String id, DatasetLayout layout, int minCount) {
      this.id = id;
      this.layout = layout;
      this.minCount = minCount;
    }

    /** The command-line name, e.g. {@code lung-xray}. */
    public String id() {
      return id;
    }

    /** The layout the data set is written in. */
    public DatasetLayout layout() {
      return layout;
    }

    /** The kind named {@code id}; the error lists the valid names. */
    public static Kind parse(String id) {
      for (Kind k : values()) {
        if (k.id.equals(id)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "unknown synthetic data kind '" + id + "'; valid kinds: "
              + String.join(", ", Arrays.stream(values()).map(Kind::id).toList()));
    }
  }

  /**
   * @param count images to write (at least 1 for lungs, 2 for pneumonia, 3 for ultrasound, so
   *     that every class is present)
   * @param seed fixes every pixel
   * @param size base image size in pixels, 32 to 4096: lung images are {@code size} square
   *     (Montgomery-style ones 0.9 as wide), pneumonia and ultrasound images vary around it
   * @param calipers burn caliper marks and a readout into ultrasound images with a lesion, as in
   *     BUSI (a shortcut a model can learn; test with and without)
   */
  public record Options(int count, long seed, int size, boolean calipers) {

    public Options {
      if (count < 1) {
        throw new IllegalArgumentException("count must be >= 1, got " + count);
      }
      if (size < 32 || size > 4096) {
        throw new IllegalArgumentException("size must be in 32..4096 pixels, got " + size);
      }
    }
  }

  /**
   * What was written.
   *
   * @param root the folder to pass to a training request
   * @param layout the layout to name in the request
   * @param counts images (and extra masks) per class or part, in a readable order
   */
  public record Summary(Path root, DatasetLayout layout, Map<String, Integer> counts) {

    public Summary {
      counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }
  }

  private SyntheticDatasets() {}

  /**
   * Writes a data set into {@code out}, which must be missing or empty.
   *
   * @throws IllegalArgumentException if the count is too small for the kind, or calipers are
   *     asked for on X-rays
   * @throws IOException if {@code out} is not empty or a file cannot be written
   */
  public static Summary write(Kind kind, Options options, Path out) throws IOException {
    if (options.count() < kind.minCount) {
      throw new IllegalArgumentException(
          kind.id + " needs a count of at least " + kind.minCount + " so every class is present, got "
              + options.count());
    }
    if (options.calipers() && kind != Kind.BREAST_ULTRASOUND) {
      throw new IllegalArgumentException("calipers apply to " + Kind.BREAST_ULTRASOUND.id + " only, not " + kind.id);
    }
    if (Files.exists(out)) {
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(out + " is not empty; choose a new folder or delete it first");
        }
      }
    }
    Path root = out.toAbsolutePath().normalize();
    Map<String, Integer> counts = switch (kind) {
      case LUNG_XRAY -> lungs(options, root, false);
      case LUNG_XRAY_MONTGOMERY -> lungs(options, root, true);
      case PNEUMONIA_XRAY -> pneumonia(options, root);
      case BREAST_ULTRASOUND -> ultrasound(options, root);
    };
    return new Summary(root, kind.layout, counts);
  }

  /**
   * Shenzhen-style and Montgomery-style radiographs in one image folder. With {@code perLung},
   * Montgomery's masks go one per lung into {@code ManualMask/leftMask} and {@code rightMask}
   * (the patient's sides); otherwise both lungs into one file in {@code masks}. The images are the
   * same either way.
   */
  private static Map<String, Integer> lungs(Options o, Path out, boolean perLung) throws IOException {
    Path images = Files.createDirectories(out.resolve("CXR_png"));
    Path masks = Files.createDirectories(out.resolve("masks"));
    Path leftMasks = perLung ? Files.createDirectories(out.resolve("ManualMask").resolve("leftMask")) : null;
    Path rightMasks = perLung ? Files.createDirectories(out.resolve("ManualMask").resolve("rightMask")) : null;
    int shenzhen = 0;
    int montgomery = 0;
    int withoutMask = 0;
    for (int i = 0; i < o.count(); i++) {
      Random rng = random(o.seed(), 1, i);
      // One in four Montgomery-style (mask of the same name); one in six Shenzhen-style images
      // lacks its mask, as in the real set, to exercise the reader's skip path.
      boolean mc = i % 4 == 3;
      String name;
      String maskName;
      if (mc) {
        montgomery++;
        name = String.format(Locale.ROOT, "MCUCXR_%04d_%d", montgomery, rng.nextInt(2));
        maskName = name;
      } else {
        shenzhen++;
        name = String.format(Locale.ROOT, "CHNCXR_%04d_%d", shenzhen, rng.nextInt(2));
        maskName = shenzhen % 6 == 3 ? null : name + "_mask";
      }
      int width = mc ? Math.round(o.size() * 0.9f) : o.size();
      ChestPhantom.Drawing d = ChestPhantom.draw(width, o.size(), rng, false);
      Files.write(images.resolve(name + ".png"), png(Canvas.toBytes(d.image()), d.height(), d.width()));
      if (maskName == null) {
        withoutMask++;
      } else if (mc && perLung) {
        Files.write(leftMasks.resolve(maskName + ".png"), LabelMasks.toPng(d.leftLungMask(), d.height(), d.width()));
        Files.write(rightMasks.resolve(maskName + ".png"), LabelMasks.toPng(d.rightLungMask(), d.height(), d.width()));
      } else {
        Files.write(masks.resolve(maskName + ".png"), LabelMasks.toPng(d.lungMask(), d.height(), d.width()));
      }
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("Shenzhen-style images (CHNCXR_*, masks *_mask.png)", shenzhen);
    counts.put(perLung
        ? "Montgomery-style images (MCUCXR_*, one mask per lung in ManualMask/leftMask and rightMask)"
        : "Montgomery-style images (MCUCXR_*, masks of the same name)", montgomery);
    counts.put("images without a mask (the reader skips them)", withoutMask);
    return counts;
  }

  private static Map<String, Integer> pneumonia(Options o, Path out) throws IOException {
    // Kermany's 1583 normal : 4273 pneumonia = 1 : 2.7 overall, 1 : 2.9 in train.
    int normal = Math.max(1, (int) Math.round(o.count() / 3.9));
    int[] perClass = {normal, o.count() - normal};
    String[] classes = {"NORMAL", "PNEUMONIA"};
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String part : List.of("train", "val", "test")) {
      for (String c : classes) {
        counts.put(part + "/" + c, 0);
      }
    }
    for (int c = 0; c < 2; c++) {
      int n = perClass[c];
      int test = n >= 3 ? Math.max(1, (int) Math.round(n * 0.1)) : 0;
      int val = n >= 3 ? Math.max(1, (int) Math.round(n * 0.02)) : 0;
      int train = n - test - val;
      for (int j = 0; j < n; j++) {
        Random rng = random(o.seed(), 2 + c, j);
        String part = j < train ? "train" : (j < train + val ? "val" : "test");
        String name = c == 0
            ? String.format(Locale.ROOT, "IM-%04d-0001.jpeg", j + 1)
            : String.format(Locale.ROOT, "person%d_%s_%d.jpeg", j + 1, rng.nextBoolean() ? "bacteria" : "virus", 2 * j + 1);
        int height = (int) Math.round(o.size() * (0.8 + 0.4 * rng.nextDouble()));
        int width = (int) Math.round(o.size() * (0.85 + 0.4 * rng.nextDouble()));
        ChestPhantom.Drawing d = ChestPhantom.draw(width, height, rng, c == 1);
        Path dir = Files.createDirectories(out.resolve("chest_xray").resolve(part).resolve(classes[c]));
        Files.write(dir.resolve(name), jpeg(Canvas.toBytes(d.image()), d.height(), d.width()));
        counts.merge(part + "/" + classes[c], 1, Integer::sum);
      }
    }
    return counts;
  }

  private static Map<String, Integer> ultrasound(Options o, Path out) throws IOException {
    // BUSI: 437 benign, 210 malignant, 133 normal of 780.
    int benign = Math.max(1, (int) Math.round(o.count() * 437.0 / 780));
    int malignant = Math.max(1, (int) Math.round(o.count() * 210.0 / 780));
    if (benign + malignant >= o.count()) {
      benign = o.count() - malignant - 1;
    }
    int[] perClass = {benign, malignant, o.count() - benign - malignant};
    String[] classes = {"benign", "malignant", "normal"};
    UltrasoundPhantom.Finding[] findings = {
      UltrasoundPhantom.Finding.BENIGN, UltrasoundPhantom.Finding.MALIGNANT, UltrasoundPhantom.Finding.NONE
    };
    Path base = out.resolve("Dataset_BUSI_with_GT");
    Map<String, Integer> counts = new LinkedHashMap<>();
    int extraMasks = 0;
    for (int c = 0; c < 3; c++) {
      Path dir = Files.createDirectories(base.resolve(classes[c]));
      for (int j = 0; j < perClass[c]; j++) {
        Random rng = random(o.seed(), 10 + c, j);
        // Every eighth lesion image (from the third) has a second lesion in its own mask file.
        boolean second = c < 2 && j % 8 == 2;
        int width = (int) Math.round(o.size() * (0.9 + 0.25 * rng.nextDouble()));
        int height = (int) Math.round(o.size() * (0.7 + 0.25 * rng.nextDouble()));
        UltrasoundPhantom.Drawing d = UltrasoundPhantom.draw(width, height, rng, findings[c], second, o.calipers());
        String name = classes[c] + " (" + (j + 1) + ")";
        Files.write(dir.resolve(name + ".png"), png(Canvas.toBytes(d.image()), d.height(), d.width()));
        for (int m = 0; m < d.masks().size(); m++) {
          String suffix = m == 0 ? "_mask" : "_mask_" + m;
          Files.write(dir.resolve(name + suffix + ".png"), LabelMasks.toPng(d.masks().get(m), d.height(), d.width()));
        }
        extraMasks += d.masks().size() - 1;
      }
      counts.put(classes[c], perClass[c]);
    }
    counts.put("extra masks (*_mask_1.png)", extraMasks);
    return counts;
  }

  /** A stream per (seed, purpose, index), decorrelated by SplitMix64's finalizer. */
  private static Random random(long seed, int stream, int index) {
    long z = seed + 0x9E3779B97F4A7C15L * (1 + stream * 0x10001L + ((long) index << 20));
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new Random(z ^ (z >>> 31));
  }

  private static BufferedImage gray(byte[] pixels, int height, int width) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    System.arraycopy(pixels, 0, ((DataBufferByte) image.getRaster().getDataBuffer()).getData(), 0, pixels.length);
    return image;
  }

  private static byte[] png(byte[] pixels, int height, int width) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(gray(pixels, height, width), "png", bytes);
    return bytes.toByteArray();
  }

  private static byte[] jpeg(byte[] pixels, int height, int width) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      writer.write(null, new IIOImage(gray(pixels, height, width), null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
