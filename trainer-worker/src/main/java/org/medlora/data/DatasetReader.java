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

/**
 * Reads a data set folder in one of the {@link DatasetLayout}s into a {@link Dataset}.
 *
 * <p>Files are listed in sorted order, so the same folder always gives the same samples. Every
 * image and mask header is read (not its pixels) to find unreadable files and masks whose size
 * differs from their image's early; those follow the {@link OnError} policy. Files the layout
 * does not use (images without a mask, masks without an image, stray files and folders) are
 * always left out and reported in {@link Dataset#problems()}; hidden files are ignored.
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
      throw new DatasetException(
          base, "has no usable " + (reading.testSamples.isEmpty() ? "" : "training ") + "images"
              + (reading.problems.isEmpty() ? "" : "; left out: " + reading.problems));
    }
    return new Dataset(
        base, layout, kind, classNames, reading.samples, reading.testSamples, reading.problems);
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

  private static String expectation(DatasetLayout layout) {
    return switch (layout) {
      case KERMANY -> "chest_xray/{train,val,test}/{NORMAL,PNEUMONIA}/*.jpeg in it, or train/ "
          + "(val/ and test/ optional) directly in it";
      case BUSI -> "Dataset_BUSI_with_GT/{benign,malignant,normal}/*.png (masks *_mask.png) in it, "
          + "or benign/, malignant/ and normal/ directly in it";
      case IMAGE_MASK_FOLDERS -> "an image folder CXR_png or images beside a folder masks, in it "
          + "or up to 2 levels below";
    };
  }

  /** The state of one read: what was found so far. */
  private static final class Reading {
    final ModelKind kind;
    final OnError onError;
    final List<Sample> samples = new ArrayList<>();
    final List<Sample> testSamples = new ArrayList<>();
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
            if (header(image) != null) {
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
            skip(f, "another image named " + stem + " is in the same folder");
          }
        }
        for (Map.Entry<String, Path> e : images.entrySet()) {
          List<Path> own = masks.remove(e.getKey());
          if (kind == ModelKind.CLASSIFICATION) {
            if (header(e.getValue()) != null) {
              samples.add(new Sample(e.getValue(), List.of(), label));
            }
          } else if (own == null) {
            skip(e.getValue(), "no mask " + e.getKey() + "_mask.png beside it");
          } else if (imageWithMasks(e.getValue(), own)) {
            samples.add(new Sample(e.getValue(), own, label));
          }
        }
        masks.values().forEach(orphans -> orphans.forEach(m -> skip(m, "a mask without its image")));
      }
      return base;
    }

    Path imageMaskFolders(Path root) throws IOException {
      List<Path[]> pairs = new ArrayList<>();
      List<Path> parents;
      try (Stream<Path> walk = Files.walk(root, 2)) {
        parents = walk.filter(Files::isDirectory).filter(p -> !hidden(root.relativize(p)))
            .sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
      }
      for (Path parent : parents) {
        Path images = child(parent, "CXR_png");
        images = images != null ? images : child(parent, "images");
        Path masks = child(parent, "masks");
        if (images != null && masks != null) {
          pairs.add(new Path[] {images, masks});
        }
      }
      if (pairs.isEmpty()) {
        throw mismatch(root, DatasetLayout.IMAGE_MASK_FOLDERS);
      }
      for (Path[] pair : pairs) {
        Map<String, Path> masks = new LinkedHashMap<>();
        for (Path m : imageFiles(pair[1])) {
          masks.put(stem(m), m);
        }
        for (Path image : imageFiles(pair[0])) {
          String stem = stem(image);
          // Montgomery masks share the image's name, Shenzhen's add "_mask".
          Path mask = masks.remove(stem);
          mask = mask != null ? mask : masks.remove(stem + "_mask");
          if (mask == null) {
            skip(image, "no mask " + stem + ".png or " + stem + "_mask.png in " + pair[1]);
          } else if (imageWithMasks(image, List.of(mask))) {
            samples.add(new Sample(image, List.of(mask), 1));
          }
        }
        masks.values().forEach(m -> skip(m, "a mask without an image in " + pair[0]));
      }
      return root;
    }

    /** Checks the headers of an image and its masks; false if any is left out. */
    private boolean imageWithMasks(Path image, List<Path> masks) throws DatasetException {
      ImageHeaders.Size size = header(image);
      if (size == null) {
        return false;
      }
      for (Path mask : masks) {
        ImageHeaders.Size maskSize = header(mask);
        if (maskSize == null) {
          return false;
        }
        if (!maskSize.equals(size)) {
          unreadable(new DatasetException(
              mask, "mask is " + maskSize + " but its image " + image + " is " + size
                  + "; a mask must have its image's size"));
          return false;
        }
      }
      return true;
    }

    /** The header's size, or null if the file is left out under the policy. */
    private ImageHeaders.Size header(Path file) throws DatasetException {
      try {
        return ImageHeaders.read(file);
      } catch (DatasetException e) {
        unreadable(e);
        return null;
      }
    }

    private void unreadable(DatasetException e) throws DatasetException {
      if (onError == OnError.FAIL) {
        throw e;
      }
      problems.add(e.getMessage() + "; skipped");
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
