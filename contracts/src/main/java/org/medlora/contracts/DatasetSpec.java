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
 */
public record DatasetSpec(
    String location,
    DatasetLayout layout,
    @JsonProperty("validation-fraction") double validationFraction,
    @JsonProperty("split-seed") long splitSeed) {

  public static final double DEFAULT_VALIDATION_FRACTION = 0.2;

  public static final long DEFAULT_SPLIT_SEED = 42;

  public DatasetSpec {
    Checks.nonBlank("location", location);
    Checks.nonNull("layout", layout);
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw Checks.invalid(
          "validationFraction", "must be > 0 and < 1, got " + validationFraction);
    }
  }

  /** The data set at {@code location} with the default validation split. */
  public static DatasetSpec of(String location, DatasetLayout layout) {
    return new DatasetSpec(location, layout, DEFAULT_VALIDATION_FRACTION, DEFAULT_SPLIT_SEED);
  }
}
