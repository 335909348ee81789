package org.medlora.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * A training / validation split of a data set's samples.
 *
 * @param train samples to train on
 * @param validation samples to select checkpoints and report metrics on
 */
public record Split(List<Sample> train, List<Sample> validation) {

  public Split {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
  }

  /**
   * A seeded split stratified by label: each class contributes about {@code validationFraction}
   * of its samples to validation (largest remainders decide the rounding, so the total is
   * {@code round(n * validationFraction)}), and a class with at least two samples appears in both
   * parts whenever the fraction is above 0, even if that moves the total by one per rare class.
   * The same samples, fraction and seed give the same split; both parts keep the input order.
   */
  public static Split of(List<Sample> samples, double validationFraction, long seed) {
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validationFraction must be in [0, 1), got " + validationFraction);
    }
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("cannot split an empty list of samples");
    }
    TreeMap<Integer, List<Integer>> byLabel = new TreeMap<>();
    for (int i = 0; i < samples.size(); i++) {
      byLabel.computeIfAbsent(samples.get(i).label(), k -> new ArrayList<>()).add(i);
    }
    Random rng = new Random(seed);
    List<List<Integer>> classes = new ArrayList<>(byLabel.values());
    for (List<Integer> c : classes) {
      Collections.shuffle(c, rng);
    }
    int[] take = apportion(classes, samples.size(), validationFraction);
    boolean[] inValidation = new boolean[samples.size()];
    for (int c = 0; c < classes.size(); c++) {
      for (int i : classes.get(c).subList(0, take[c])) {
        inValidation[i] = true;
      }
    }
    List<Sample> train = new ArrayList<>();
    List<Sample> validation = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      (inValidation[i] ? validation : train).add(samples.get(i));
    }
    return new Split(train, validation);
  }

  /** How many of each class go to validation. */
  private static int[] apportion(List<List<Integer>> classes, int total, double fraction) {
    int n = classes.size();
    int[] take = new int[n];
    double[] remainder = new double[n];
    int left = (int) Math.round(total * fraction);
    for (int c = 0; c < n; c++) {
      double quota = classes.get(c).size() * fraction;
      take[c] = (int) Math.floor(quota);
      remainder[c] = quota - take[c];
      left -= take[c];
    }
    while (left-- > 0) {
      int best = 0;
      for (int c = 1; c < n; c++) {
        if (remainder[c] > remainder[best]) {
          best = c;
        }
      }
      take[best]++;
      remainder[best] = -1;
    }
    if (fraction > 0) {
      for (int c = 0; c < n; c++) {
        int size = classes.get(c).size();
        take[c] = size < 2 ? 0 : Math.max(1, Math.min(size - 1, take[c]));
      }
    }
    return take;
  }
}
