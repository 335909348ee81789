package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The data a model was trained on, identified by content rather than by location.
 *
 * @param layout how the data set is organised
 * @param fingerprintSha256 SHA-256 over the data set's files and labels, lowercase hex, so that
 *     "same data" can be checked without the data
 * @param trainCount training examples, at least 1
 * @param validationCount validation examples, at least 0
 * @param skippedImages images of the data set left out of training (no mask, unreadable, ...),
 *     at least 0; manifests written before this field read as 0
 * @param skippedSummary those images in one line, paths relative to the data set, e.g. {@code
 *     skipped 138 of 800 images: 138 have no mask (e.g. CXR_png/CHNCXR_0001_0.png)}; empty if
 *     and only if none was skipped
 */
public record DatasetInfo(
    DatasetLayout layout,
    @JsonProperty("fingerprint-sha256") String fingerprintSha256,
    @JsonProperty("train-count") int trainCount,
    @JsonProperty("validation-count") int validationCount,
    @JsonProperty("skipped-images") int skippedImages,
    @JsonProperty("skipped-summary") String skippedSummary) {

  public DatasetInfo {
    Checks.nonNull("dataset layout", layout);
    Checks.sha256("fingerprintSha256", fingerprintSha256);
    Checks.atLeast("trainCount", trainCount, 1);
    Checks.atLeast("validationCount", validationCount, 0);
    Checks.atLeast("skippedImages", skippedImages, 0);
    Checks.nonNull("skippedSummary", skippedSummary);
    if ((skippedImages == 0) != skippedSummary.isBlank()) {
      throw Checks.invalid("skippedSummary", "must be empty if and only if skippedImages is 0 "
          + "(got " + skippedImages + "), got " + Checks.quoted(skippedSummary));
    }
  }

  /** A data set of which no image was skipped. */
  public DatasetInfo(DatasetLayout layout, String fingerprintSha256, int trainCount, int validationCount) {
    this(layout, fingerprintSha256, trainCount, validationCount, 0, "");
  }
}
