package org.medlora.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ModelKind;
import org.medlora.synth.SyntheticDatasets.Kind;

class DatasetFingerprintTest {

  @TempDir Path dir;

  private static String fingerprint(Path root, ModelKind kind) throws Exception {
    return DatasetReader.read(root, DatasetLayout.BUSI, kind).fingerprint();
  }

  @Test
  void isStableAndIndependentOfWhereTheFolderLives() throws Exception {
    Path a = Fixtures.synth(Kind.BREAST_ULTRASOUND, 6, dir.resolve("a"));
    String first = fingerprint(a, ModelKind.SEGMENTATION);
    assertTrue(first.matches("[0-9a-f]{64}"), first);
    assertEquals(first, fingerprint(a, ModelKind.SEGMENTATION));
    assertEquals(first, fingerprint(a.resolve("Dataset_BUSI_with_GT"), ModelKind.SEGMENTATION));

    Path b = dir.resolve("elsewhere/b");
    copy(a, b);
    assertEquals(first, fingerprint(b, ModelKind.SEGMENTATION));
  }

  @Test
  void changesWhenAFileChangesOrTheLabelsMeanSomethingElse() throws Exception {
    Path root = Fixtures.synth(Kind.BREAST_ULTRASOUND, 6, dir);
    String before = fingerprint(root, ModelKind.SEGMENTATION);
    assertNotEquals(before, fingerprint(root, ModelKind.CLASSIFICATION));

    Path mask = root.resolve("Dataset_BUSI_with_GT/malignant/malignant (1)_mask.png");
    Files.write(mask, new byte[] {0}, StandardOpenOption.APPEND);
    String grown = fingerprint(root, ModelKind.SEGMENTATION);
    assertNotEquals(before, grown);

    Path image = root.resolve("Dataset_BUSI_with_GT/normal/normal (1).png");
    Files.move(image, image.resolveSibling("normal (9).png"));
    Files.move(image.resolveSibling("normal (1)_mask.png"), image.resolveSibling("normal (9)_mask.png"));
    assertNotEquals(grown, fingerprint(root, ModelKind.SEGMENTATION));
  }

  private static void copy(Path from, Path to) throws Exception {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(from)) {
      all = walk.toList();
    }
    for (Path p : all) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.copy(p, target);
      }
    }
  }
}
