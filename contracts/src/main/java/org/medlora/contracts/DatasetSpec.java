package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where the training images are and how they are organised.
 *
 * @param location where the data set is, as the trainer sees it (a directory path)
 * @param layout how the folders are organised, which decides the kinds it can train
 * @param validationFraction share of the data held out for validation, in (0, 1); default
 *     {@value #DEFAULT_VALIDATION_FRACTION}
 * @param splitSeed seed of that split, so that a repeated request sees the same split; default
 *     {@value #DEFAULT_SPLIT_SEED}
 * @param maxSkippedFraction the largest share of the data set's images that may be skipped (no
 *     mask, unreadable) before the job fails instead of training on the rest, in [0, 1]; default
 *     {@value #DEFAULT_MAX_SKIPPED_FRACTION}: more than half skipped means a layout problem
 */
public record DatasetSpec(
    String location,
    DatasetLayout layout,
    @JsonProperty("validation-fraction") double validationFraction,
    @JsonProperty("split-seed") long splitSeed,
    @JsonProperty("max-skipped-fraction") double maxSkippedFraction) {

  public static final double DEFAULT_VALIDATION_FRACTION = 0.2;

  public static final long DEFAULT_SPLIT_SEED = 42;

  public static final double DEFAULT_MAX_SKIPPED_FRACTION = 0.5;

  public DatasetSpec {
    Checks.nonBlank("location", location);
    Checks.nonNull("layout", layout);
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw Checks.invalid(
          "validationFraction", "must be > 0 and < 1, got " + validationFraction);
    }
    if (!(maxSkippedFraction >= 0 && maxSkippedFraction <= 1)) {
      throw Checks.invalid("maxSkippedFraction", "must be >= 0 and <= 1 (the share of images "
          + "that may be skipped; 1 never fails), got " + maxSkippedFraction);
    }
  }

  /** The split as given, and the default {@link #DEFAULT_MAX_SKIPPED_FRACTION}. */
  public DatasetSpec(String location, DatasetLayout layout, double validationFraction, long splitSeed) {
    this(location, layout, validationFraction, splitSeed, DEFAULT_MAX_SKIPPED_FRACTION);
  }

  /** The data set at {@code location} with the default validation split. */
  public static DatasetSpec of(String location, DatasetLayout layout) {
    return new DatasetSpec(location, layout, DEFAULT_VALIDATION_FRACTION, DEFAULT_SPLIT_SEED);
  }
}
