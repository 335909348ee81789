package org.medlora.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An image left out of a data set, and why.
 *
 * @param image the image file
 * @param reason the kind of problem, by which {@link #summary} groups
 * @param detail the file at fault and what is wrong with it, e.g. {@code ".../x.png: no mask
 *     x.png or x_mask.png in .../masks"}
 */
public record SkippedImage(Path image, Reason reason, String detail) {

  /** Why an image is left out; the groups of a skip summary, in this order when counts tie. */
  public enum Reason {
    NO_MASK("has no mask", "have no mask"),
    ONE_LUNG_ONLY("has a mask of one lung only", "have a mask of one lung only"),
    MASK_SIZE("has a mask of another size", "have a mask of another size"),
    UNREADABLE("is unreadable or has an unreadable mask", "are unreadable or have an unreadable mask"),
    DUPLICATE_NAME("shares its name with another image", "share their name with another image");

    private final String one;
    private final String many;

    Reason(String one, String many) {
      this.one = one;
      this.many = many;
    }

    /** {@code "1 has no mask"}, {@code "3 have no mask"}. */
    String count(int n) {
      return n + " " + (n == 1 ? one : many);
    }
  }

  public SkippedImage {
    if (image == null || reason == null || detail == null) {
      throw new IllegalArgumentException(
          "image, reason and detail must not be null, got " + image + ", " + reason + ", " + detail);
    }
  }

  /**
   * One line for a whole data set, reasons grouped with the most frequent first and one example
   * each, relative to {@code root} so the line can go into a manifest: {@code "skipped 138 of 800
   * images: 138 have no mask (e.g. CXR_png/CHNCXR_0001_0.png)"}. Empty if nothing was skipped.
   *
   * @param images every image found, skipped or not
   */
  static String summary(List<SkippedImage> skipped, int images, Path root) {
    if (skipped.isEmpty()) {
      return "";
    }
    Map<Reason, List<SkippedImage>> byReason = new EnumMap<>(Reason.class);
    skipped.forEach(s -> byReason.computeIfAbsent(s.reason(), r -> new ArrayList<>()).add(s));
    List<String> groups = new ArrayList<>();
    byReason.entrySet().stream()
        .sorted(Comparator.comparingInt(e -> -e.getValue().size())) // stable: ties keep enum order
        .forEach(e -> groups.add(e.getKey().count(e.getValue().size())
            + " (e.g. " + Dataset.relative(root, e.getValue().get(0).image()) + ")"));
    return "skipped " + skipped.size() + " of " + images + " images: " + String.join(", ", groups);
  }
}
