package org.medlora.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ModelKind;
import org.medlora.synth.SyntheticDatasets.Kind;

class DatasetReaderTest {

  @TempDir Path dir;

  @Test
  void pairsShenzhenAndMontgomeryMasksAndReportsImagesWithoutMasks() throws Exception {
    // 12 images: 9 Shenzhen-style (numbers 3 and 9 without masks), 3 Montgomery-style.
    Fixtures.synth(Kind.LUNG_XRAY, 12, dir.resolve("Lung Segmentation"));
    Dataset data = DatasetReader.read(dir, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);

    assertEquals(List.of("background", "lung"), data.classNames());
    assertEquals(10, data.samples().size());
    assertTrue(data.testSamples().isEmpty());
    for (Sample s : data.samples()) {
      String image = name(s.image()).replace(".png", "");
      String mask = name(s.masks().get(0)).replace(".png", "");
      assertEquals(image.startsWith("CHNCXR") ? image + "_mask" : image, mask);
      assertEquals(1, s.label());
    }
    assertTrue(data.problems().isEmpty(), data.problems().toString());
    assertEquals(2, data.skipped().size(), data.skipped().toString());
    assertEquals(SkippedImage.Reason.NO_MASK, data.skipped().get(0).reason());
    assertTrue(data.skipped().get(0).detail().contains("CHNCXR_0003_") && data.skipped().get(0).detail().contains("no mask"),
        data.skipped().get(0).detail());
    assertTrue(name(data.skipped().get(1).image()).startsWith("CHNCXR_0009_"), data.skipped().toString());
    List<String> names = data.samples().stream().map(s -> name(s.image())).toList();
    assertEquals(names.stream().sorted().toList(), names, "listed in sorted order");
  }

  @Test
  void readsMontgomeryAsDownloadedWithOneMaskPerLung() throws Exception {
    // 12 images: 9 Shenzhen-style (numbers 3 and 9 without masks), 3 Montgomery-style whose
    // masks are in ManualMask/leftMask and ManualMask/rightMask, as the NLM download has them.
    Fixtures.synth(Kind.LUNG_XRAY_MONTGOMERY, 12, dir.resolve("MontgomerySet"));
    Dataset data = DatasetReader.read(dir, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);

    assertEquals(10, data.samples().size(), data.skippedSummary());
    List<Sample> montgomery = data.samples().stream().filter(s -> name(s.image()).startsWith("MCUCXR")).toList();
    assertEquals(3, montgomery.size());
    for (Sample s : montgomery) {
      Path set = dir.resolve("MontgomerySet");
      assertEquals(List.of(set.resolve("ManualMask/leftMask").resolve(name(s.image())),
          set.resolve("ManualMask/rightMask").resolve(name(s.image()))), s.masks(), "both lungs, OR-ed on loading");
      assertEquals(1, s.label());
    }
    assertTrue(data.problems().isEmpty(), data.problems().toString());
    assertEquals(List.of(SkippedImage.Reason.NO_MASK, SkippedImage.Reason.NO_MASK),
        data.skipped().stream().map(SkippedImage::reason).toList());
  }

  @Test
  void anImageWithOnlyOneLungMaskIsSkippedNotHalfLabelledBackground() throws Exception {
    Path root = Fixtures.synth(Kind.LUNG_XRAY_MONTGOMERY, 12, dir);
    Path right = Fixtures.first(root.resolve("ManualMask/rightMask"));
    Path left = root.resolve("ManualMask/leftMask").resolve(name(right));
    Files.delete(right);

    Dataset data = DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);
    assertEquals(9, data.samples().size());
    SkippedImage oneLung = data.skipped().stream()
        .filter(s -> s.reason() == SkippedImage.Reason.ONE_LUNG_ONLY).findFirst().orElseThrow();
    assertEquals(root.resolve("CXR_png").resolve(name(right)), oneLung.image());
    assertEquals(oneLung.image() + ": has a mask of one lung only, " + left + ", and none in ManualMask/rightMask; "
        + "add the missing one, or the other lung would be labelled background", oneLung.detail());
    assertTrue(data.problems().isEmpty(), "the left mask is not reported as an orphan: " + data.problems());
    assertEquals("skipped 3 of 12 images: 2 have no mask (e.g. " + relative(root, data.skipped().get(0).image())
        + "), 1 has a mask of one lung only (e.g. CXR_png/" + name(right) + ")", data.skippedSummary());
  }

  @Test
  void skippedImagesAreSummarisedInOneLineByReasonWithRelativePaths() throws Exception {
    Path root = Fixtures.synth(Kind.LUNG_XRAY, 12, dir);
    Path firstMask = Fixtures.first(root.resolve("masks"));
    Files.writeString(firstMask, "not a PNG");

    Dataset data = DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);
    String unreadable = "CXR_png/" + name(firstMask).replace("_mask", "");
    String noMask = relative(root, data.skipped().stream()
        .filter(s -> s.reason() == SkippedImage.Reason.NO_MASK).findFirst().orElseThrow().image());
    assertEquals("skipped 3 of 12 images: 2 have no mask (e.g. " + noMask + "), "
        + "1 is unreadable or has an unreadable mask (e.g. " + unreadable + ")", data.skippedSummary());
    assertEquals(12, data.imageCount());
    assertEquals("", DatasetReader.read(Fixtures.synth(Kind.BREAST_ULTRASOUND, 3, dir.resolve("busi")),
        DatasetLayout.BUSI, ModelKind.SEGMENTATION).skippedSummary(), "nothing skipped, nothing said");
  }

  @Test
  void aSetThatLosesMoreThanTheAllowedShareFailsWithTheCountsTheReasonAndWhatToDo() throws Exception {
    Path root = Fixtures.synth(Kind.LUNG_XRAY, 12, dir);
    List<Path> masks = Fixtures.list(root.resolve("masks"));
    for (Path m : masks.subList(0, 4)) {
      Files.delete(m);
    }
    // 12 images: 2 without masks from the start, 4 more now; exactly half is allowed.
    Dataset half = DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);
    assertEquals(6, half.skipped().size());
    assertEquals(half, half.requireSkippedAtMost(0.5));

    Files.delete(masks.get(4));
    Dataset most = DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);
    DatasetException e = assertThrows(DatasetException.class, () -> most.requireSkippedAtMost(0.5));
    assertEquals(root, e.path());
    String message = e.getMessage();
    assertTrue(message.startsWith(root + ": skipped 7 of 12 images: 7 have no mask (e.g. CXR_png/CHNCXR_0001_"), message);
    assertTrue(message.contains("; that is more than dataset.max-skipped-fraction 0.5 allows. Fix the folders so that "
        + "these images are read (the image-mask-folders layout expects an image folder CXR_png or images beside"), message);
    assertTrue(message.endsWith(", or raise dataset.max-skipped-fraction in the request to train on the 5 images left"),
        message);
    assertEquals(most, most.requireSkippedAtMost(0.6));
    assertThrows(IllegalArgumentException.class, () -> most.requireSkippedAtMost(1.5));
  }

  @Test
  void aSetWithoutAnyUsableImageSaysWhatWasSkippedAndWhatWasExpected() throws Exception {
    Path root = Fixtures.synth(Kind.LUNG_XRAY, 3, dir);
    for (Path m : Fixtures.list(root.resolve("masks"))) {
      Files.delete(m);
    }
    DatasetException e = assertThrows(DatasetException.class,
        () -> DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION));
    assertTrue(e.getMessage().startsWith(root + ": has no usable images; skipped 3 of 3 images: 3 have no mask "
        + "(e.g. CXR_png/CHNCXR_0001_"), e.getMessage());
    assertTrue(e.getMessage().contains("; expected an image folder CXR_png or images beside a folder masks"),
        e.getMessage());
  }

  @Test
  void kermanyPoolsTrainAndValAndKeepsTestApart() throws Exception {
    // 12 images: NORMAL 1 train + 1 val + 1 test, PNEUMONIA 7 train + 1 val + 1 test.
    Path root = Fixtures.synth(Kind.PNEUMONIA_XRAY, 12, dir.resolve("download"));
    Dataset data = DatasetReader.read(root, DatasetLayout.KERMANY, ModelKind.CLASSIFICATION);

    assertEquals(List.of("NORMAL", "PNEUMONIA"), data.classNames());
    assertEquals(root.resolve("chest_xray"), data.root());
    assertEquals(10, data.samples().size());
    assertEquals(2, data.samples().stream().filter(s -> s.label() == 0).count());
    assertEquals(2, data.testSamples().size());
    for (Sample s : data.testSamples()) {
      assertEquals("test", s.image().getParent().getParent().getFileName().toString());
      assertEquals(data.classNames().get(s.label()), s.image().getParent().getFileName().toString());
    }
    assertTrue(data.samples().stream().noneMatch(s -> s.image().toString().contains("/test/")));
    assertTrue(data.samples().stream().allMatch(s -> s.masks().isEmpty()));
    assertTrue(data.problems().isEmpty(), data.problems().toString());

    // The chest_xray folder itself is accepted too, and gives the same data set.
    assertEquals(data, DatasetReader.read(root.resolve("chest_xray"), DatasetLayout.KERMANY, ModelKind.CLASSIFICATION));
  }

  @Test
  void kermanyAcceptsJpgAndPngAndReportsOtherFiles() throws Exception {
    Path root = Fixtures.synth(Kind.PNEUMONIA_XRAY, 12, dir);
    Path normal = root.resolve("chest_xray/train/NORMAL");
    Path jpeg = Fixtures.first(normal);
    Files.copy(jpeg, normal.resolve("copy.JPG"));
    Fixtures.png(normal.resolve("extra.png"), new byte[32 * 32], 32, 32);
    Files.writeString(normal.resolve("notes.txt"), "not an image");
    Files.writeString(normal.resolve(".DS_Store"), "hidden files are ignored");

    Dataset data = DatasetReader.read(root, DatasetLayout.KERMANY, ModelKind.CLASSIFICATION);
    assertEquals(12, data.samples().size());
    assertEquals(1, data.problems().size(), data.problems().toString());
    assertTrue(data.problems().get(0).contains("notes.txt: not a .png, .jpg or .jpeg file"), data.problems().get(0));
  }

  @Test
  void busiSegmentationLabelsPixelsWithTheFolderClassAndKeepsEveryMask() throws Exception {
    // 12 images: 7 benign, 3 malignant, 2 normal; benign (3) and malignant (3) have a second mask.
    Path root = Fixtures.synth(Kind.BREAST_ULTRASOUND, 12, dir);
    Dataset data = DatasetReader.read(root, DatasetLayout.BUSI, ModelKind.SEGMENTATION);

    assertEquals(List.of("background", "benign", "malignant"), data.classNames());
    assertEquals(root.resolve("Dataset_BUSI_with_GT"), data.root());
    assertEquals(12, data.samples().size());
    int[] perLabel = new int[3];
    data.samples().forEach(s -> perLabel[s.label()]++);
    assertEquals("[2, 7, 3]", Arrays.toString(perLabel), "normal images are all background");
    Sample two = data.samples().stream().filter(s -> name(s.image()).equals("benign (3).png")).findFirst().orElseThrow();
    assertEquals(List.of("benign (3)_mask.png", "benign (3)_mask_1.png"), two.masks().stream().map(DatasetReaderTest::name).toList());
    assertTrue(data.problems().isEmpty(), data.problems().toString());
  }

  @Test
  void busiClassificationUsesTheThreeFoldersAndIgnoresMasks() throws Exception {
    Path root = Fixtures.synth(Kind.BREAST_ULTRASOUND, 12, dir);
    Dataset data = DatasetReader.read(
        root.resolve("Dataset_BUSI_with_GT"), DatasetLayout.BUSI, ModelKind.CLASSIFICATION);

    assertEquals(List.of("benign", "malignant", "normal"), data.classNames());
    int[] perLabel = new int[3];
    data.samples().forEach(s -> perLabel[s.label()]++);
    assertEquals("[7, 3, 2]", Arrays.toString(perLabel));
    assertTrue(data.samples().stream().allMatch(s -> s.masks().isEmpty()));
  }

  @Test
  void busiReportsImagesWithoutMasksAndMasksWithoutImages() throws Exception {
    Path root = Fixtures.synth(Kind.BREAST_ULTRASOUND, 12, dir);
    Path benign = root.resolve("Dataset_BUSI_with_GT/benign");
    Files.delete(benign.resolve("benign (1)_mask.png"));
    Files.delete(benign.resolve("benign (2).png"));

    Dataset data = DatasetReader.read(root, DatasetLayout.BUSI, ModelKind.SEGMENTATION);
    assertEquals(10, data.samples().size());
    assertEquals(1, data.skipped().size(), data.skipped().toString());
    assertTrue(data.skipped().get(0).detail().endsWith("benign (1).png: no mask benign (1)_mask.png beside it"),
        data.skipped().get(0).detail());
    assertEquals("skipped 1 of 11 images: 1 has no mask (e.g. benign/benign (1).png)", data.skippedSummary());
    assertEquals(1, data.problems().size(), data.problems().toString());
    assertTrue(data.problems().get(0).contains("benign (2)_mask.png: a mask without its image"), data.problems().get(0));
  }

  @Test
  void combinationsWithoutLabelsOrMasksAreRefused() {
    IllegalArgumentException kermany = assertThrows(IllegalArgumentException.class,
        () -> DatasetReader.read(dir, DatasetLayout.KERMANY, ModelKind.SEGMENTATION));
    assertTrue(kermany.getMessage().contains("kermany") && kermany.getMessage().contains("use CLASSIFICATION"),
        kermany.getMessage());
    IllegalArgumentException lungs = assertThrows(IllegalArgumentException.class,
        () -> DatasetReader.read(dir, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.CLASSIFICATION));
    assertTrue(lungs.getMessage().contains("use SEGMENTATION"), lungs.getMessage());
  }

  @Test
  void aLayoutMismatchNamesTheFoldersExpectedAndFound() throws Exception {
    Path root = Fixtures.synth(Kind.BREAST_ULTRASOUND, 3, dir);
    DatasetException e = assertThrows(DatasetException.class,
        () -> DatasetReader.read(root, DatasetLayout.KERMANY, ModelKind.CLASSIFICATION));
    assertTrue(e.getMessage().contains("not in the kermany layout"), e.getMessage());
    assertTrue(e.getMessage().contains("chest_xray/{train,val,test}/{NORMAL,PNEUMONIA}"), e.getMessage());
    assertTrue(e.getMessage().contains("found folders Dataset_BUSI_with_GT/"), e.getMessage());

    DatasetException lungs = assertThrows(DatasetException.class,
        () -> DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION));
    assertTrue(lungs.getMessage().contains("CXR_png or images beside a folder masks"), lungs.getMessage());

    Path missing = dir.resolve("nope");
    DatasetException absent = assertThrows(DatasetException.class,
        () -> DatasetReader.read(missing, DatasetLayout.BUSI, ModelKind.SEGMENTATION));
    assertEquals(missing, absent.path());
    assertTrue(absent.getMessage().contains("no such folder; expected Dataset_BUSI_with_GT/"), absent.getMessage());
  }

  @Test
  void corruptImagesAreSkippedAndReportedOrFailNamingThePath() throws Exception {
    Path root = Fixtures.synth(Kind.PNEUMONIA_XRAY, 12, dir);
    Path pneumonia = root.resolve("chest_xray/train/PNEUMONIA");
    byte[] good = Files.readAllBytes(Fixtures.first(pneumonia));
    Path text = Files.writeString(pneumonia.resolve("person98_bacteria_1.jpeg"), "this is not a JPEG");
    Path empty = Files.write(pneumonia.resolve("person99_bacteria_1.jpeg"), new byte[0]);
    Path cut = Files.write(pneumonia.resolve("person97_virus_1.jpeg"), Arrays.copyOf(good, 24));

    Dataset data = DatasetReader.read(root, DatasetLayout.KERMANY, ModelKind.CLASSIFICATION, OnError.SKIP_AND_REPORT);
    assertEquals(10, data.samples().size());
    assertTrue(data.problems().isEmpty(), data.problems().toString());
    String details = String.join("\n", data.skipped().stream().map(SkippedImage::detail).toList());
    assertEquals(3, data.skipped().size(), details);
    assertTrue(details.contains(text + ": is not a PNG or JPEG image (it starts with bytes 74 68 69 73"), details);
    assertTrue(details.contains(empty + ": is empty (0 bytes)"), details);
    assertTrue(details.contains(cut + ": has a damaged JPEG header"), details);
    assertEquals("skipped 3 of 15 images: 3 are unreadable or have an unreadable mask "
        + "(e.g. train/PNEUMONIA/person97_virus_1.jpeg)", data.skippedSummary());

    DatasetException e = assertThrows(DatasetException.class,
        () -> DatasetReader.read(root, DatasetLayout.KERMANY, ModelKind.CLASSIFICATION, OnError.FAIL));
    assertEquals(cut, e.path(), "the first bad file in sorted order");
    assertTrue(e.getMessage().startsWith(cut + ": has a damaged JPEG header"), e.getMessage());
  }

  @Test
  void aMaskOfAnotherSizeIsReportedNamingBothFiles() throws Exception {
    // 4 images: CHNCXR_0001, _0002 and MCUCXR_0001 with masks, CHNCXR_0003 without.
    Path root = Fixtures.synth(Kind.LUNG_XRAY, 4, dir);
    Path mask = Fixtures.first(root.resolve("masks"));
    Path image = root.resolve("CXR_png").resolve(name(mask).replace("_mask", ""));
    Fixtures.png(mask, new byte[32 * 48], 32, 48);

    Dataset data = DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);
    assertEquals(2, data.samples().size());
    String expected = mask + ": mask is 48x32 but its image " + image + " is 64x64";
    SkippedImage mismatch = data.skipped().stream()
        .filter(s -> s.reason() == SkippedImage.Reason.MASK_SIZE).findFirst().orElseThrow();
    assertEquals(image, mismatch.image());
    assertTrue(mismatch.detail().startsWith(expected), mismatch.detail());

    DatasetException e = assertThrows(DatasetException.class,
        () -> DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION, OnError.FAIL));
    assertEquals(mask, e.path());
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  @Test
  void aJpegTurnedByItsExifOrientationMatchesAMaskDrawnOnTheDisplayedImage() throws Exception {
    // Stored 40 wide and 20 high, EXIF orientation 6: displayed 20 wide and 40 high, as its mask.
    Path root = dir.resolve("exif");
    Path image = root.resolve("images").resolve("scan.jpg");
    Files.createDirectories(image.getParent());
    BufferedImage stored = new BufferedImage(40, 20, BufferedImage.TYPE_BYTE_GRAY);
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(stored, "jpeg", jpeg);
    Files.write(image, withExifOrientation6(jpeg.toByteArray()));
    Fixtures.png(root.resolve("masks").resolve("scan.png"), new byte[40 * 20], 40, 20);

    Dataset data = DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);
    assertEquals(List.of(), data.skipped(), "the mask is the displayed image's size");
    assertEquals(1, data.samples().size());
  }

  /** {@code jpeg} with an APP1 Exif segment right after SOI declaring orientation 6. */
  private static byte[] withExifOrientation6(byte[] jpeg) {
    byte[] app1 = {
      (byte) 0xff, (byte) 0xe1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, // marker, length, Exif header
      'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at offset 8
      0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // one entry: Orientation, SHORT, 1, value 6
      0, 0, 0, 0}; // no next IFD
    byte[] out = new byte[jpeg.length + app1.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(app1, 0, out, 2, app1.length);
    System.arraycopy(jpeg, 2, out, 2 + app1.length, jpeg.length - 2);
    return out;
  }

  static String name(Path p) {
    return p.getFileName().toString();
  }

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }
}
