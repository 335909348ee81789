package org.medlora.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.DatasetLayout;
import org.medlora.synth.SyntheticDatasets.Kind;
import org.medlora.synth.SyntheticDatasets.Options;

class SyntheticDatasetsTest {

  @TempDir Path dir;

  /** Every file under {@code root} by relative path, with its bytes. */
  private static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void theSameSeedWritesTheSameBytesAndAnotherSeedDifferentOnes() throws Exception {
    for (Kind kind : Kind.values()) {
      Options options = new Options(5, 11, 48, kind == Kind.BREAST_ULTRASOUND);
      Map<String, byte[]> a = files(SyntheticDatasets.write(kind, options, dir.resolve(kind.id() + "-a")).root());
      Map<String, byte[]> b = files(SyntheticDatasets.write(kind, options, dir.resolve(kind.id() + "-b")).root());
      Map<String, byte[]> c = files(SyntheticDatasets.write(kind, new Options(5, 12, 48, options.calipers()),
          dir.resolve(kind.id() + "-c")).root());
      assertEquals(a.keySet(), b.keySet(), kind.id());
      for (String f : a.keySet()) {
        assertArrayEquals(a.get(f), b.get(f), kind.id() + " " + f);
      }
      assertTrue(a.keySet().stream().anyMatch(f -> c.containsKey(f) && !Arrays.equals(a.get(f), c.get(f))),
          kind.id() + ": another seed changes the pixels");
    }
  }

  @Test
  void lungXraysUseShenzhenAndMontgomeryNamesWithSomeMasksMissing() throws Exception {
    SyntheticDatasets.Summary s = SyntheticDatasets.write(Kind.LUNG_XRAY, new Options(8, 1, 40, false), dir);
    assertEquals(DatasetLayout.IMAGE_MASK_FOLDERS, s.layout());
    assertEquals(List.of(6, 2, 1), List.copyOf(s.counts().values()));
    List<String> all = List.copyOf(files(dir).keySet());
    assertEquals(15, all.size());
    assertTrue(all.stream().allMatch(f -> f.matches("CXR_png/(CHNCXR|MCUCXR)_000\\d_[01]\\.png")
        || f.matches("masks/CHNCXR_000\\d_[01]_mask\\.png") || f.matches("masks/MCUCXR_000\\d_[01]\\.png")), all.toString());
    assertTrue(all.stream().anyMatch(f -> f.startsWith("CXR_png/CHNCXR_0003_")));
    assertTrue(all.stream().noneMatch(f -> f.startsWith("masks/CHNCXR_0003_")), "the third Shenzhen image lacks its mask");
  }

  @Test
  void montgomeryLungXraysKeepOneMaskPerLungBesideTheSameImages() throws Exception {
    Options options = new Options(8, 1, 40, false);
    Map<String, byte[]> whole = files(SyntheticDatasets.write(Kind.LUNG_XRAY, options, dir.resolve("whole")).root());
    SyntheticDatasets.Summary s = SyntheticDatasets.write(Kind.LUNG_XRAY_MONTGOMERY, options, dir.resolve("split"));
    assertEquals(DatasetLayout.IMAGE_MASK_FOLDERS, s.layout());
    assertEquals(List.of(6, 2, 1), List.copyOf(s.counts().values()));
    Map<String, byte[]> split = files(s.root());
    for (String f : whole.keySet()) {
      if (f.startsWith("CXR_png/") || f.startsWith("masks/CHNCXR")) {
        assertArrayEquals(whole.get(f), split.get(f), "the same seed, the same " + f);
      } else {
        String name = f.substring("masks/".length());
        assertTrue(split.containsKey("ManualMask/leftMask/" + name) && split.containsKey("ManualMask/rightMask/" + name), f);
        assertFalse(split.containsKey(f), f + " is split, not whole");
      }
    }
    assertEquals(whole.size() + 2, split.size(), "two Montgomery images, each with one more mask file");
  }

  @Test
  void eachLungMaskHoldsOneLungOnItsSideAndTogetherTheyAreTheLungMask() {
    for (int seed = 0; seed < 5; seed++) {
      ChestPhantom.Drawing d = ChestPhantom.draw(90, 100, new Random(seed), seed % 2 == 0);
      double[] meanX = new double[2];
      int[] count = new int[2];
      for (int i = 0; i < d.lungMask().length; i++) {
        boolean right = d.rightLungMask()[i] != 0;
        boolean left = d.leftLungMask()[i] != 0;
        assertFalse(right && left, "seed " + seed + ": the lungs do not overlap");
        assertEquals(d.lungMask()[i] != 0, right || left, "seed " + seed + ": union at pixel " + i);
        if (right || left) {
          meanX[right ? 0 : 1] += i % d.width();
          count[right ? 0 : 1]++;
        }
      }
      // A PA film shows the patient's right lung on the image's left.
      assertTrue(meanX[0] / count[0] < 45 && meanX[1] / count[1] > 45,
          "seed " + seed + ": right lung at x " + meanX[0] / count[0] + ", left lung at x " + meanX[1] / count[1]);
    }
  }

  @Test
  void pneumoniaXraysAreImbalancedJpegsInTheKermanyFolders() throws Exception {
    SyntheticDatasets.Summary s = SyntheticDatasets.write(Kind.PNEUMONIA_XRAY, new Options(39, 1, 40, false), dir);
    assertEquals(DatasetLayout.KERMANY, s.layout());
    // 10 normal : 29 pneumonia, about a tenth in test and a little in val.
    assertEquals(Map.of("train/NORMAL", 8, "train/PNEUMONIA", 25, "val/NORMAL", 1, "val/PNEUMONIA", 1,
        "test/NORMAL", 1, "test/PNEUMONIA", 3), s.counts());
    Map<String, byte[]> all = files(dir);
    assertEquals(39, all.size());
    for (Map.Entry<String, byte[]> f : all.entrySet()) {
      assertTrue(f.getKey().matches("chest_xray/(train|val|test)/(NORMAL/IM-\\d{4}-0001|PNEUMONIA/person\\d+_(bacteria|virus)_\\d+)\\.jpeg"), f.getKey());
      assertEquals((byte) 0xff, f.getValue()[0], "JPEG data");
    }
  }

  @Test
  void breastUltrasoundFollowsBusiProportionsAndNaming() throws Exception {
    SyntheticDatasets.Summary s = SyntheticDatasets.write(Kind.BREAST_ULTRASOUND, new Options(78, 1, 32, false), dir);
    assertEquals(DatasetLayout.BUSI, s.layout());
    // BUSI's 437 : 210 : 133 of 780, a tenth of it; lesion images 3, 11, 19, ... have a second mask.
    assertEquals(Map.of("benign", 44, "malignant", 21, "normal", 13, "extra masks (*_mask_1.png)", 9), s.counts());
    Map<String, byte[]> all = files(dir);
    assertEquals(78 * 2 + 9, all.size());
    assertTrue(all.containsKey("Dataset_BUSI_with_GT/benign/benign (44)_mask.png"));
    assertTrue(all.containsKey("Dataset_BUSI_with_GT/malignant/malignant (3)_mask_1.png"));
    assertTrue(all.containsKey("Dataset_BUSI_with_GT/normal/normal (13)_mask.png"));
  }

  @Test
  void lesionsAreClearlyDarkerThanTheTissueAroundThem() {
    for (UltrasoundPhantom.Finding finding : List.of(UltrasoundPhantom.Finding.BENIGN, UltrasoundPhantom.Finding.MALIGNANT)) {
      for (int seed = 0; seed < 5; seed++) {
        UltrasoundPhantom.Drawing d = UltrasoundPhantom.draw(96, 80, new Random(seed), finding, false, false);
        byte[] mask = d.masks().get(0);
        double inside = 0;
        double around = 0;
        int n = 0;
        int m = 0;
        for (int y = 0; y < d.height(); y++) {
          for (int x = 0; x < d.width(); x++) {
            int i = y * d.width() + x;
            if (mask[i] != 0) {
              inside += d.image()[i];
              n++;
            } else if (nearMask(mask, d.width(), d.height(), x, y, 6)) {
              around += d.image()[i];
              m++;
            }
          }
        }
        assertTrue(n > 20 && m > 20, finding + " seed " + seed + ": lesion of " + n + " px");
        assertTrue(inside / n < 0.6 * (around / m),
            finding + " seed " + seed + ": lesion " + inside / n + " vs surroundings " + around / m);
      }
    }
  }

  @Test
  void pneumoniaBrightensTheLungFieldsOfTheSameAnatomy() {
    for (int seed = 0; seed < 5; seed++) {
      ChestPhantom.Drawing normal = ChestPhantom.draw(96, 96, new Random(seed), false);
      ChestPhantom.Drawing sick = ChestPhantom.draw(96, 96, new Random(seed), true);
      assertArrayEquals(normal.lungMask(), sick.lungMask(), "same seed, same anatomy");
      double gain = 0;
      int n = 0;
      for (int i = 0; i < normal.lungMask().length; i++) {
        if (normal.lungMask()[i] != 0) {
          gain += sick.image()[i] - normal.image()[i];
          n++;
        }
      }
      assertTrue(gain / n > 0.04, "seed " + seed + ": lung fields brighten by " + gain / n + " on average");
    }
  }

  @Test
  void calipersAreBrightMarksBurnedOnTop() throws Exception {
    UltrasoundPhantom.Drawing plain = UltrasoundPhantom.draw(200, 160, new Random(3), UltrasoundPhantom.Finding.BENIGN, false, false);
    UltrasoundPhantom.Drawing marked = UltrasoundPhantom.draw(200, 160, new Random(3), UltrasoundPhantom.Finding.BENIGN, false, true);
    int changed = 0;
    for (int i = 0; i < plain.image().length; i++) {
      if (plain.image()[i] != marked.image()[i]) {
        changed++;
        assertTrue(marked.image()[i] >= 0.95f, "marks are bright");
      }
    }
    assertTrue(changed > 20 && changed < 1000, changed + " pixels marked");
    assertArrayEquals(plain.masks().get(0), marked.masks().get(0), "marks do not change the mask");
  }

  @Test
  void refusesAFolderThatIsNotEmptyAndCountsTooSmallForEveryClass() throws Exception {
    Files.writeString(dir.resolve("keep.txt"), "mine");
    IOException full = assertThrows(IOException.class,
        () -> SyntheticDatasets.write(Kind.LUNG_XRAY, new Options(1, 0, 32, false), dir));
    assertEquals(dir + " is not empty; choose a new folder or delete it first", full.getMessage());
    IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
        () -> SyntheticDatasets.write(Kind.BREAST_ULTRASOUND, new Options(2, 0, 32, false), dir.resolve("x")));
    assertEquals("breast-ultrasound needs a count of at least 3 so every class is present, got 2", few.getMessage());
    IllegalArgumentException calipers = assertThrows(IllegalArgumentException.class,
        () -> SyntheticDatasets.write(Kind.LUNG_XRAY, new Options(2, 0, 32, true), dir.resolve("y")));
    assertTrue(calipers.getMessage().startsWith("calipers apply to breast-ultrasound only"), calipers.getMessage());
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> Kind.parse("mri"));
    assertEquals("unknown synthetic data kind 'mri'; valid kinds: lung-xray, lung-xray-montgomery, pneumonia-xray, "
        + "breast-ultrasound",
        kind.getMessage());
  }

  private static boolean nearMask(byte[] mask, int w, int h, int x, int y, int r) {
    for (int dy = -r; dy <= r; dy++) {
      for (int dx = -r; dx <= r; dx++) {
        int xx = x + dx;
        int yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h && mask[yy * w + xx] != 0) {
          return true;
        }
      }
    }
    return false;
  }
}
