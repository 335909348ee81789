package org.medlora.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ModelKind;

/**
 * A data set as read from disk: what to train on, what to keep for the final test, and what was
 * left out and why.
 *
 * @param root the folder where the layout starts (e.g. {@code .../chest_xray}); every file lies
 *     under it
 * @param layout how the folder is organised
 * @param kind classification or segmentation
 * @param classNames the model's classes, index = label; for segmentation class 0 is background
 * @param samples examples for training and validation (split them with {@link Split#of})
 * @param testSamples examples the data set sets apart for testing (Kermany's {@code test}),
 *     otherwise empty
 * @param skipped images left out (no mask, unreadable, ...), in the order found; {@link
 *     #skippedSummary()} says it in one line
 * @param problems other files the layout does not use (stray files and folders, masks without
 *     an image), each as {@code "path: reason"}
 */
public record Dataset(
    Path root,
    DatasetLayout layout,
    ModelKind kind,
    List<String> classNames,
    List<Sample> samples,
    List<Sample> testSamples,
    List<SkippedImage> skipped,
    List<String> problems) {

  public Dataset {
    if (root == null || layout == null || kind == null) {
      throw new IllegalArgumentException(
          "root, layout and kind must not be null, got " + root + ", " + layout + ", " + kind);
    }
    if (kind != ModelKind.CLASSIFICATION && kind != ModelKind.SEGMENTATION) {
      throw new IllegalArgumentException("kind must be CLASSIFICATION or SEGMENTATION, got " + kind);
    }
    classNames = List.copyOf(classNames);
    samples = List.copyOf(samples);
    testSamples = List.copyOf(testSamples);
    skipped = List.copyOf(skipped);
    problems = List.copyOf(problems);
    if (classNames.size() < 2) {
      throw new IllegalArgumentException("a data set needs at least 2 classes, got " + classNames);
    }
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("a data set needs at least one sample, got none under " + root);
    }
    for (List<Sample> part : List.of(samples, testSamples)) {
      for (Sample s : part) {
        check(root, kind, classNames, s);
      }
    }
  }

  private static void check(Path root, ModelKind kind, List<String> classNames, Sample s) {
    if (s.label() >= classNames.size()) {
      throw new IllegalArgumentException(
          s.image() + " has label " + s.label() + " but there are only " + classNames.size()
              + " classes " + classNames);
    }
    // Segmentation needs a mask per image (BUSI's normal images have all-zero ones), and
    // classification must not silently carry masks it ignores.
    if ((kind == ModelKind.SEGMENTATION) == s.masks().isEmpty()) {
      throw new IllegalArgumentException(
          s.image() + " has " + s.masks().size() + " masks; " + kind + " samples need "
              + (kind == ModelKind.SEGMENTATION ? "at least one" : "none"));
    }
    List<Path> files = new ArrayList<>(s.masks());
    files.add(s.image());
    for (Path f : files) {
      if (!f.startsWith(root)) {
        throw new IllegalArgumentException(f + " does not lie under the data set root " + root);
      }
    }
  }

  /** Every image found: the samples, the test samples and the skipped images. */
  public int imageCount() {
    return samples.size() + testSamples.size() + skipped.size();
  }

  /**
   * The skipped images in one line, reasons grouped, paths relative to the root: {@code "skipped
   * 138 of 800 images: 138 have no mask (e.g. CXR_png/CHNCXR_0001_0.png)"}; empty if none.
   */
  public String skippedSummary() {
    return SkippedImage.summary(skipped, imageCount(), root);
  }

  /**
   * This data set, if at most {@code maxFraction} of its images were skipped: a set that loses
   * most of its images to a layout the reader does not know should fail loudly, not train on the
   * rest.
   *
   * @param maxFraction the training request's {@code dataset.max-skipped-fraction}, in [0, 1]
   * @throws DatasetException naming the counts, the reasons, and the two ways out
   */
  public Dataset requireSkippedAtMost(double maxFraction) throws DatasetException {
    if (!(maxFraction >= 0 && maxFraction <= 1)) {
      throw new IllegalArgumentException("maxFraction must be in [0, 1], got " + maxFraction);
    }
    if (skipped.size() > maxFraction * imageCount()) {
      throw new DatasetException(root, skippedSummary() + "; that is more than "
          + "dataset.max-skipped-fraction " + maxFraction + " allows. Fix the folders so that these "
          + "images are read (the " + layout.jsonName() + " layout expects " + DatasetReader.expectation(layout)
          + "), or raise dataset.max-skipped-fraction in the request to train on the "
          + (samples.size() + testSamples.size()) + " images left");
    }
    return this;
  }

  /**
   * SHA-256 (lowercase hex) over the layout, kind, class names and, for every sample, its part
   * (train or test), label, and the relative path and size of its image and masks. Cheap (no
   * file is read) and independent of where the folder lives; for the model manifest's
   * provenance. Editing a file in place without changing its size goes unnoticed.
   *
   * @throws IOException if a file's size cannot be read
   */
  public String fingerprint() throws IOException {
    List<String> entries = new ArrayList<>();
    for (Sample s : samples) {
      entries.add(entry("train", s));
    }
    for (Sample s : testSamples) {
      entries.add(entry("test", s));
    }
    entries.sort(null);
    MessageDigest sha = sha256();
    // NUL separates fields: it cannot occur in a path.
    update(sha, "medlora-dataset-fingerprint-v1\0" + layout.jsonName() + "\0" + kind + "\0"
        + String.join("\0", classNames) + "\n");
    for (String e : entries) {
      update(sha, e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private String entry(String part, Sample s) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(relative(root, s.image())).append('\0').append(part).append('\0').append(s.label());
    b.append('\0').append(Files.size(s.image()));
    for (Path m : s.masks()) {
      b.append('\0').append(relative(root, m)).append('\0').append(Files.size(m));
    }
    return b.append('\n').toString();
  }

  /** With '/' separators on every platform, so the fingerprint does not depend on the OS. */
  static String relative(Path root, Path p) {
    Path rel = root.relativize(p);
    StringBuilder b = new StringBuilder();
    for (Path name : rel) {
      b.append(b.length() == 0 ? "" : "/").append(name);
    }
    return b.toString();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  private static void update(MessageDigest sha, String s) {
    sha.update(s.getBytes(StandardCharsets.UTF_8));
  }
}
