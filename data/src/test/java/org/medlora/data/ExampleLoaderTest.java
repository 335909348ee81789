package org.medlora.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.synth.SyntheticDatasets.Kind;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.LabelMasks;
import org.medlora.imaging.Preprocessor;

class ExampleLoaderTest {

  @TempDir Path dir;

  private final ExampleLoader loader = new ExampleLoader();

  @Test
  void overlappingBusiMasksAreOrCombinedIntoTheFolderClassNeverSummed() throws Exception {
    Path base = dir.resolve("Dataset_BUSI_with_GT");
    Files.createDirectories(base.resolve("benign"));
    Files.createDirectories(base.resolve("normal"));
    Path folder = base.resolve("malignant");
    Fixtures.png(folder.resolve("malignant (1).png"), new byte[28 * 28], 28, 28);
    // Two 255-valued masks overlapping in rows 10..13, columns 10..13.
    Fixtures.png(folder.resolve("malignant (1)_mask.png"), Fixtures.rect(28, 28, 4, 14, 4, 14), 28, 28);
    Fixtures.png(folder.resolve("malignant (1)_mask_1.png"), Fixtures.rect(28, 28, 10, 20, 10, 20), 28, 28);

    Dataset data = DatasetReader.read(dir, DatasetLayout.BUSI, ModelKind.SEGMENTATION);
    Sample sample = data.samples().get(0);
    assertEquals(2, sample.label(), "malignant in background, benign, malignant");
    Example ex = loader.load(sample, PreprocessingSpec.imagenet(28, 28), Augmentation.NONE, new Random(0));

    byte[] expected = new byte[28 * 28];
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        boolean first = y >= 4 && y < 14 && x >= 4 && x < 14;
        boolean second = y >= 10 && y < 20 && x >= 10 && x < 20;
        expected[y * 28 + x] = (byte) (first || second ? 2 : 0);
      }
    }
    assertArrayEquals(expected, ex.mask());
    assertEquals(2, ex.mask()[12 * 28 + 12], "overlap keeps the class");
    // What summing the uint8 masks would have produced there: 255 + 255 wraps to 254.
    assertEquals(254, (255 + 255) & 0xff);
    for (byte b : ex.mask()) {
      assertTrue(b == 0 || b == 2, "only class values, found " + b);
    }
    assertArrayEquals(LabelMasks.resizeNearest(expected, 28, 28, 2, 2), ex.patchMask());
  }

  @Test
  void montgomerysTwoLungMasksGiveTheTargetOfOneWholeLungMask() throws Exception {
    // The same seed draws the same radiographs; one set stores each lung apart, the other both.
    Dataset split = DatasetReader.read(Fixtures.synth(Kind.LUNG_XRAY_MONTGOMERY, 4, dir.resolve("split")),
        DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);
    Dataset whole = DatasetReader.read(Fixtures.synth(Kind.LUNG_XRAY, 4, dir.resolve("whole")),
        DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION);
    Sample perLung = split.samples().get(2);
    Sample oneFile = whole.samples().get(2);
    assertEquals(2, perLung.masks().size(), perLung.toString());
    assertEquals(List.of(oneFile.image().getFileName()), oneFile.masks().stream().map(Path::getFileName).toList());

    PreprocessingSpec spec = PreprocessingSpec.imagenet(56, 56);
    Example a = loader.load(perLung, spec, Augmentation.NONE, new Random(0));
    Example b = loader.load(oneFile, spec, Augmentation.NONE, new Random(0));
    assertArrayEquals(b.mask(), a.mask());
    assertArrayEquals(b.patchMask(), a.patchMask());
    assertTrue(IntStream.range(0, a.mask().length).filter(i -> a.mask()[i] == 1).count() > 200, "lungs are labelled");
  }

  @Test
  void aClassificationExampleIsTheSharedPreprocessingWithoutAMask() throws Exception {
    Path root = Fixtures.synth(Kind.PNEUMONIA_XRAY, 4, dir);
    Dataset data = DatasetReader.read(root, DatasetLayout.KERMANY, ModelKind.CLASSIFICATION);
    Sample sample = data.samples().get(0);
    PreprocessingSpec spec = PreprocessingSpec.imagenet(42, 56);

    Example ex = loader.load(sample, spec, Augmentation.NONE, new Random(0));
    float[] expected = Preprocessor.toModelInput(ImageDecoder.decode(sample.image(), ImageLimits.DEFAULT), spec);
    assertArrayEquals(expected, ex.pixels());
    assertNull(ex.mask());
    assertNull(ex.patchMask());
    assertEquals(sample.label(), ex.label());
  }

  @Test
  void patchTargetsAre32x32ForA448Input() throws Exception {
    Path root = Fixtures.synth(Kind.LUNG_XRAY, 1, dir);
    Sample sample = DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION).samples().get(0);

    Example ex = loader.load(sample, PreprocessingSpec.imagenet(448, 448), Augmentation.NONE, new Random(0));
    assertEquals(3 * 448 * 448, ex.pixels().length);
    assertEquals(448 * 448, ex.mask().length);
    assertEquals(32 * 32, ex.patchMask().length);
    byte[] source = new byte[64 * 64];
    float[] decoded = ImageDecoder.decode(sample.masks().get(0), ImageLimits.DEFAULT).samples();
    for (int i = 0; i < source.length; i++) {
      source[i] = (byte) (decoded[i] > 0 ? 1 : 0);
    }
    assertArrayEquals(LabelMasks.resizeNearest(source, 64, 64, 448, 448), ex.mask());
    assertArrayEquals(LabelMasks.resizeNearest(source, 64, 64, 32, 32), ex.patchMask());
    long lung = 0;
    for (byte b : ex.patchMask()) {
      lung += b;
    }
    assertTrue(lung > 200 && lung < 800, "both lungs cover a good part of the image: " + lung);
  }

  @Test
  void aMaskOfAnotherSizeFailsNamingBothFilesAndSizes() throws Exception {
    Path image = Fixtures.png(dir.resolve("images/a.png"), new byte[28 * 28], 28, 28);
    Path mask = Fixtures.png(dir.resolve("masks/a.png"), new byte[14 * 20], 14, 20);
    Sample sample = new Sample(image, List.of(mask), 1);

    DatasetException e = assertThrows(DatasetException.class,
        () -> loader.load(sample, PreprocessingSpec.imagenet(28, 28), Augmentation.NONE, new Random(0)));
    assertEquals(mask, e.path());
    assertEquals(mask + ": mask is 20x14 (WxH) but its image " + image + " is 28x28; a mask must have its image's size",
        e.getMessage());
  }

  @Test
  void anImageDamagedBeyondItsHeaderFailsAtLoadNamingThePath() throws Exception {
    Path root = Fixtures.synth(Kind.PNEUMONIA_XRAY, 4, dir);
    Sample sample = DatasetReader.read(root, DatasetLayout.KERMANY, ModelKind.CLASSIFICATION).samples().get(0);
    byte[] bytes = Files.readAllBytes(sample.image());
    Files.write(sample.image(), Arrays.copyOf(bytes, bytes.length / 2));

    DatasetException e = assertThrows(DatasetException.class,
        () -> loader.load(sample, PreprocessingSpec.imagenet(28, 28), Augmentation.NONE, new Random(0)));
    assertEquals(sample.image(), e.path());
    assertTrue(e.getMessage().startsWith(sample.image() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("JPEG"), e.getMessage());
  }

  @Test
  void segmentationNeedsAnInputSizeThatIsAMultipleOfThePatch() throws Exception {
    Path root = Fixtures.synth(Kind.LUNG_XRAY, 1, dir);
    Sample sample = DatasetReader.read(root, DatasetLayout.IMAGE_MASK_FOLDERS, ModelKind.SEGMENTATION).samples().get(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> loader.load(sample, PreprocessingSpec.imagenet(224, 230), Augmentation.NONE, new Random(0)));
    assertTrue(e.getMessage().contains("224x230 must be a multiple of the patch size 14"), e.getMessage());
  }
}
