package org.medlora.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ModelKind;
import org.medlora.imaging.ImageSize;

/**
 * Reads a data set folder in one of the {@link DatasetLayout}s into a {@link Dataset}.
 *
 * <p>Files are listed in sorted order, so the same folder always gives the same samples. Every
 * image and mask header is read (not its pixels) to find unreadable files and masks whose size
 * differs from their image's early; those follow the {@link OnError} policy. Images without a
 * usable mask are always left out, in {@link Dataset#skipped()}; other files the layout does not
 * use (masks without an image, stray files and folders) are left out and reported in {@link
 * Dataset#problems()}; hidden files are ignored.
 */
public final class DatasetReader {

  /** BUSI's mask names: {@code benign (12)_mask}, {@code benign (12)_mask_1}, ... */
  private static final Pattern BUSI_MASK = Pattern.compile("(.*)_mask(?:_\\d+)?");

  private static final List<String> KERMANY_PARTS = List.of("train", "val", "test");
  private static final List<String> KERMANY_CLASSES = List.of("NORMAL", "PNEUMONIA");
  private static final List<String> BUSI_FOLDERS = List.of("benign", "malignant", "normal");

  private DatasetReader() {}

  /** {@link #read(Path, DatasetLayout, ModelKind, OnError)} skipping and reporting bad files. */
  public static Dataset read(Path root, DatasetLayout layout, ModelKind kind) throws IOException {
    return read(root, layout, kind, OnError.SKIP_AND_REPORT);
  }

  /**
   * Reads the data set under {@code root}.
   *
   * @throws IllegalArgumentException if the layout cannot serve {@code kind} (Kermany has no
   *     masks, say)
   * @throws DatasetException if {@code root} is missing or not in the layout (the message lists
   *     the folders expected and found), if no usable image is found, or, with {@link
   *     OnError#FAIL}, for the first unreadable image or mismatched mask
   */
  public static Dataset read(Path root, DatasetLayout layout, ModelKind kind, OnError onError)
      throws IOException {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(onError, "onError");
    List<String> classNames = classNames(layout, kind);
    Path dir = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(
          dir, (Files.exists(dir) ? "is a file, not a folder" : "no such folder")
              + "; expected " + expectation(layout));
    }
    Reading reading = new Reading(kind, onError);
    Path base = switch (layout) {
      case KERMANY -> reading.kermany(dir);
      case BUSI -> reading.busi(dir);
      case IMAGE_MASK_FOLDERS -> reading.imageMaskFolders(dir);
    };
    if (reading.samples.isEmpty()) {
      int images = reading.testSamples.size() + reading.skipped.size();
      throw new DatasetException(
          base, "has no usable " + (reading.testSamples.isEmpty() ? "" : "training ") + "images"
              + (reading.skipped.isEmpty() ? "" : "; " + SkippedImage.summary(reading.skipped, images, base))
              + (reading.problems.isEmpty() ? "" : "; left out: " + reading.problems)
              + "; expected " + expectation(layout));
    }
    return new Dataset(base, layout, kind, classNames, reading.samples, reading.testSamples,
        reading.skipped, reading.problems);
  }

  /**
   * The class names a model trained on {@code layout} predicts; index = label. For segmentation,
   * class 0 is the background.
   *
   * @throws IllegalArgumentException for a combination the data cannot support
   */
  private static List<String> classNames(DatasetLayout layout, ModelKind kind) {
    return switch (layout) {
      case KERMANY -> {
        require(kind == ModelKind.CLASSIFICATION, layout, kind, "it has no masks; use CLASSIFICATION");
        yield KERMANY_CLASSES;
      }
      case BUSI -> {
        require(kind == ModelKind.CLASSIFICATION || kind == ModelKind.SEGMENTATION, layout, kind,
            "use CLASSIFICATION or SEGMENTATION");
        yield kind == ModelKind.CLASSIFICATION ? BUSI_FOLDERS : List.of("background", "benign", "malignant");
      }
      case IMAGE_MASK_FOLDERS -> {
        require(kind == ModelKind.SEGMENTATION, layout, kind,
            "its images carry masks but no class labels; use SEGMENTATION");
        yield List.of("background", "lung");
      }
    };
  }

  private static void require(boolean ok, DatasetLayout layout, ModelKind kind, String advice) {
    if (!ok) {
      throw new IllegalArgumentException(
          "the " + layout + " layout cannot be read for " + kind + ": " + advice);
    }
  }

  /** What the layout looks like on disk, for error messages. */
  static String expectation(DatasetLayout layout) {
    return switch (layout) {
      case KERMANY -> "chest_xray/{train,val,test}/{NORMAL,PNEUMONIA}/*.jpeg in it, or train/ "
          + "(val/ and test/ optional) directly in it";
      case BUSI -> "Dataset_BUSI_with_GT/{benign,malignant,normal}/*.png (masks *_mask.png) in it, "
          + "or benign/, malignant/ and normal/ directly in it";
      case IMAGE_MASK_FOLDERS -> "an image folder CXR_png or images beside a folder masks "
          + "(masks x.png or x_mask.png for image x.png) or ManualMask/{leftMask,rightMask} (one "
          + "mask x.png per lung, as Montgomery), in it or up to 2 levels below";
    };
  }

  /** The state of one read: what was found so far. */
  private static final class Reading {
    final ModelKind kind;
    final OnError onError;
    final List<Sample> samples = new ArrayList<>();
    final List<Sample> testSamples = new ArrayList<>();
    final List<SkippedImage> skipped = new ArrayList<>();
    final List<String> problems = new ArrayList<>();

    Reading(ModelKind kind, OnError onError) {
      this.kind = kind;
      this.onError = onError;
    }

    Path kermany(Path root) throws IOException {
      Path base = locate(root, "chest_xray", List.of("train"), DatasetLayout.KERMANY);
      Path train = child(base, "train");
      for (String c : KERMANY_CLASSES) {
        if (child(train, c) == null) {
          throw new DatasetException(
              train, "has no class folder " + c + "; expected NORMAL/ and PNEUMONIA/, found "
                  + describe(train));
        }
      }
      for (String part : KERMANY_PARTS) {
        Path partDir = child(base, part);
        if (partDir == null) {
          continue;
        }
        // Kermany's own val has 16 images: it is pooled with train and split afresh.
        List<Sample> into = part.equals("test") ? testSamples : samples;
        for (Path entry : list(partDir)) {
          int label = indexIgnoringCase(KERMANY_CLASSES, name(entry));
          if (!Files.isDirectory(entry) || label < 0) {
            skip(entry, "not a class folder of the kermany layout (NORMAL or PNEUMONIA)");
            continue;
          }
          for (Path image : imageFiles(entry)) {
            if (header(image, image) != null) {
              into.add(new Sample(image, List.of(), label));
            }
          }
        }
      }
      return base;
    }

    Path busi(Path root) throws IOException {
      Path base = locate(root, "Dataset_BUSI_with_GT", BUSI_FOLDERS, DatasetLayout.BUSI);
      for (Path entry : list(base)) {
        if (indexIgnoringCase(BUSI_FOLDERS, name(entry)) < 0 || !Files.isDirectory(entry)) {
          skip(entry, "not a class folder of the busi layout (benign, malignant or normal)");
        }
      }
      for (int folder = 0; folder < BUSI_FOLDERS.size(); folder++) {
        // Segmentation classes are background, benign, malignant: a normal image's pixels
        // are all background whatever its (all-zero) mask holds.
        int label = kind == ModelKind.CLASSIFICATION ? folder : (folder == 2 ? 0 : folder + 1);
        Map<String, Path> images = new LinkedHashMap<>();
        Map<String, List<Path>> masks = new LinkedHashMap<>();
        for (Path f : imageFiles(child(base, BUSI_FOLDERS.get(folder)))) {
          String stem = stem(f);
          Matcher m = BUSI_MASK.matcher(stem);
          if (m.matches()) {
            masks.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f);
          } else if (images.putIfAbsent(stem, f) != null) {
            skipImage(f, SkippedImage.Reason.DUPLICATE_NAME,
                "another image named " + stem + " is in the same folder");
          }
        }
        for (Map.Entry<String, Path> e : images.entrySet()) {
          List<Path> own = masks.remove(e.getKey());
          if (kind == ModelKind.CLASSIFICATION) {
            if (header(e.getValue(), e.getValue()) != null) {
              samples.add(new Sample(e.getValue(), List.of(), label));
            }
          } else if (own == null) {
            skipImage(e.getValue(), SkippedImage.Reason.NO_MASK, "no mask " + e.getKey() + "_mask.png beside it");
          } else if (imageWithMasks(e.getValue(), own)) {
            samples.add(new Sample(e.getValue(), own, label));
          }
        }
        masks.values().forEach(orphans -> orphans.forEach(m -> skip(m, "a mask without its image")));
      }
      return base;
    }

    Path imageMaskFolders(Path root) throws IOException {
      List<MaskFolders> sets = new ArrayList<>();
      List<Path> parents;
      try (Stream<Path> walk = Files.walk(root, 2)) {
        parents = walk.filter(Files::isDirectory).filter(p -> !hidden(root.relativize(p)))
            .sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
      }
      for (Path parent : parents) {
        Path images = child(parent, "CXR_png");
        images = images != null ? images : child(parent, "images");
        if (images == null) {
          continue;
        }
        Path manual = child(parent, "ManualMask");
        MaskFolders set = new MaskFolders(images, child(parent, "masks"),
            manual == null ? null : child(manual, "leftMask"), manual == null ? null : child(manual, "rightMask"));
        if (!set.maskFolders().isEmpty()) {
          sets.add(set);
        }
      }
      if (sets.isEmpty()) {
        throw mismatch(root, DatasetLayout.IMAGE_MASK_FOLDERS);
      }
      for (MaskFolders set : sets) {
        Map<String, Path> whole = masksByStem(set.whole());
        Map<String, Path> left = masksByStem(set.left());
        Map<String, Path> right = masksByStem(set.right());
        for (Path image : imageFiles(set.images())) {
          String stem = stem(image);
          Path w = take(whole, stem);
          Path l = take(left, stem);
          Path r = take(right, stem);
          List<Path> masks = Stream.of(w, l, r).filter(Objects::nonNull).toList();
          if (masks.isEmpty()) {
            skipImage(image, SkippedImage.Reason.NO_MASK, "no mask " + stem + ".png or " + stem
                + "_mask.png in " + String.join(" or ", set.maskFolders().stream().map(Path::toString).toList()));
          } else if (w == null && (l == null) != (r == null)) {
            // A clinician would not want half a lung labelled background: training on it teaches
            // the model that one lung is not lung. Leaving the image out costs one example.
            skipImage(image, SkippedImage.Reason.ONE_LUNG_ONLY, "has a mask of one lung only, "
                + (l == null ? r + ", and none in ManualMask/leftMask" : l + ", and none in ManualMask/rightMask")
                + "; add the missing one, or the other lung would be labelled background");
          } else if (imageWithMasks(image, masks)) {
            // Both lungs (and any whole-lung mask) are OR-ed by ExampleLoader, never summed.
            samples.add(new Sample(image, masks, 1));
          }
        }
        for (Map<String, Path> orphans : List.of(whole, left, right)) {
          orphans.values().forEach(m -> skip(m, "a mask without an image in " + set.images()));
        }
      }
      return root;
    }

    /** The image files of a mask folder by name without extension; empty if there is no folder. */
    private Map<String, Path> masksByStem(Path dir) throws IOException {
      Map<String, Path> masks = new LinkedHashMap<>();
      if (dir != null) {
        for (Path m : imageFiles(dir)) {
          masks.put(stem(m), m);
        }
      }
      return masks;
    }

    /** Checks the headers of an image and its masks; false if the image is left out. */
    private boolean imageWithMasks(Path image, List<Path> masks) throws DatasetException {
      ImageSize size = header(image, image);
      if (size == null) {
        return false;
      }
      for (Path mask : masks) {
        ImageSize maskSize = header(mask, image);
        if (maskSize == null) {
          return false;
        }
        if (!maskSize.equals(size)) {
          refuse(image, SkippedImage.Reason.MASK_SIZE, new DatasetException(
              mask, "mask is " + maskSize + " but its image " + image + " is " + size
                  + "; a mask must have its image's size"));
          return false;
        }
      }
      return true;
    }

    /** The header's size, or null if {@code image} (or its mask {@code file}) is left out. */
    private ImageSize header(Path file, Path image) throws DatasetException {
      try {
        return ImageHeaders.read(file);
      } catch (DatasetException e) {
        refuse(image, SkippedImage.Reason.UNREADABLE, e);
        return null;
      }
    }

    /** A bad image or mask: fails the read or skips the image, as the policy says. */
    private void refuse(Path image, SkippedImage.Reason reason, DatasetException e) throws DatasetException {
      if (onError == OnError.FAIL) {
        throw e;
      }
      skipped.add(new SkippedImage(image, reason, e.getMessage()));
    }

    private void skipImage(Path image, SkippedImage.Reason reason, String why) {
      skipped.add(new SkippedImage(image, reason, image + ": " + why));
    }

    private void skip(Path file, String reason) {
      problems.add(file + ": " + reason + "; skipped");
    }

    /** The image files of a folder; anything else in it is reported. */
    private List<Path> imageFiles(Path dir) throws IOException {
      List<Path> images = new ArrayList<>();
      for (Path f : list(dir)) {
        if (Files.isDirectory(f)) {
          skip(f, "a folder where image files were expected");
        } else if (!isImageName(name(f))) {
          skip(f, "not a .png, .jpg or .jpeg file");
        } else {
          images.add(f);
        }
      }
      return images;
    }
  }

  /**
   * An image folder and the mask folders beside it, each null if missing.
   *
   * @param whole masks of both lungs in one file ({@code masks}: Shenzhen, and Montgomery as
   *     some re-distributions merge it)
   * @param left {@code ManualMask/leftMask}, Montgomery as downloaded
   * @param right {@code ManualMask/rightMask}
   */
  private record MaskFolders(Path images, Path whole, Path left, Path right) {

    /** The mask folders that exist. */
    List<Path> maskFolders() {
      return Stream.of(whole, left, right).filter(Objects::nonNull).toList();
    }
  }

  /** The mask for image {@code stem}: Montgomery's share its name, Shenzhen's add "_mask". */
  private static Path take(Map<String, Path> masks, String stem) {
    Path mask = masks.remove(stem);
    return mask != null ? mask : masks.remove(stem + "_mask");
  }

  /** {@code root} if it holds the required folders, else its {@code wrapper} child if that does. */
  private static Path locate(Path root, String wrapper, List<String> required, DatasetLayout layout)
      throws IOException {
    if (hasFolders(root, required)) {
      return root;
    }
    Path inner = child(root, wrapper);
    if (inner != null && hasFolders(inner, required)) {
      return inner;
    }
    throw mismatch(root, layout);
  }

  private static DatasetException mismatch(Path root, DatasetLayout layout) throws IOException {
    return new DatasetException(
        root, "is not in the " + layout + " layout: expected " + expectation(layout)
            + "; found " + describe(root));
  }

  private static boolean hasFolders(Path dir, List<String> names) throws IOException {
    for (String n : names) {
      if (child(dir, n) == null) {
        return false;
      }
    }
    return true;
  }

  /** The sub-folder of {@code dir} named {@code name}, ignoring case; null if there is none. */
  private static Path child(Path dir, String name) throws IOException {
    for (Path p : list(dir)) {
      if (name(p).equalsIgnoreCase(name) && Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  /** What a folder holds, for error messages: its sub-folders by name and a count of files. */
  private static String describe(Path dir) throws IOException {
    List<String> folders = new ArrayList<>();
    int files = 0;
    for (Path p : list(dir)) {
      if (Files.isDirectory(p)) {
        folders.add(name(p) + "/");
      } else {
        files++;
      }
    }
    int shown = Math.min(folders.size(), 20);
    String listed = folders.isEmpty() ? "no folders"
        : "folders " + String.join(", ", folders.subList(0, shown))
            + (shown < folders.size() ? " and " + (folders.size() - shown) + " more" : "");
    return listed + " and " + files + " files";
  }

  /** Non-hidden entries sorted by name, so every platform lists them in the same order. */
  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> !name(p).startsWith("."))
          .sorted((a, b) -> name(a).compareTo(name(b))).toList();
    }
  }

  private static boolean hidden(Path relative) {
    for (Path n : relative) {
      if (n.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static int indexIgnoringCase(List<String> names, String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  private static String stem(Path p) {
    String n = name(p);
    int dot = n.lastIndexOf('.');
    return dot < 0 ? n : n.substring(0, dot);
  }
}
