package org.medlora.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitTest {

  /** {@code counts[c]} samples of label c, interleaved as a folder listing might be. */
  private static List<Sample> samples(int... counts) {
    List<Sample> out = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      for (int i = 0; i < counts[c]; i++) {
        out.add(new Sample(Path.of("/data/c" + c + "/" + i + ".png"), List.of(), c));
      }
    }
    return out;
  }

  private static long count(List<Sample> part, int label) {
    return part.stream().filter(s -> s.label() == label).count();
  }

  @Test
  void theSameSeedGivesTheSameSplitAndAnotherSeedADifferentOne() {
    List<Sample> all = samples(70, 25, 5);
    assertEquals(Split.of(all, 0.2, 42), Split.of(all, 0.2, 42));
    assertNotEquals(Split.of(all, 0.2, 42).validation(), Split.of(all, 0.2, 43).validation());
  }

  @Test
  void eachClassGivesTheRequestedFractionAndTheTotalIsExact() {
    List<Sample> all = samples(70, 25, 5);
    Split split = Split.of(all, 0.2, 7);
    assertEquals(20, split.validation().size());
    assertEquals(80, split.train().size());
    assertEquals(14, count(split.validation(), 0));
    assertEquals(5, count(split.validation(), 1));
    assertEquals(1, count(split.validation(), 2));
    HashSet<Sample> union = new HashSet<>(split.train());
    union.addAll(split.validation());
    assertEquals(new HashSet<>(all), union, "a partition: nothing lost, nothing duplicated");

    // 0.1 * 25 = 2.5 per class: rounding each class would give 9; the total asked for is 8.
    Split uneven = Split.of(samples(25, 25, 25), 0.1, 7);
    assertEquals(8, uneven.validation().size());
  }

  @Test
  void rareClassesAppearInBothParts() {
    Split split = Split.of(samples(40, 2, 1), 0.1, 3);
    assertEquals(1, count(split.validation(), 1), "a class of two gives one to validation");
    assertEquals(1, count(split.train(), 1));
    assertEquals(1, count(split.train(), 2), "a single sample trains");
    assertEquals(4, count(split.validation(), 0));
  }

  @Test
  void bothPartsKeepTheInputOrder() {
    List<Sample> all = samples(30, 30);
    Split split = Split.of(all, 0.3, 1);
    assertTrue(isSubsequence(split.train(), all));
    assertTrue(isSubsequence(split.validation(), all));
    assertNotEquals(all.subList(0, split.validation().size()), split.validation(), "shuffled, not the first ones");
  }

  @Test
  void aZeroFractionTrainsOnEverythingAndOutOfRangeFractionsFail() {
    List<Sample> all = samples(5, 5);
    assertEquals(all, Split.of(all, 0, 1).train());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.of(all, 1.0, 1));
    assertEquals("validationFraction must be in [0, 1), got 1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Split.of(all, Double.NaN, 1));
  }

  private static boolean isSubsequence(List<Sample> part, List<Sample> all) {
    int i = 0;
    for (Sample s : all) {
      if (i < part.size() && part.get(i).equals(s)) {
        i++;
      }
    }
    return i == part.size();
  }
}
