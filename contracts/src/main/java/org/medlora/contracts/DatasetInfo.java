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
 */
public record DatasetInfo(
    DatasetLayout layout,
    @JsonProperty("fingerprint-sha256") String fingerprintSha256,
    @JsonProperty("train-count") int trainCount,
    @JsonProperty("validation-count") int validationCount) {

  public DatasetInfo {
    Checks.nonNull("dataset layout", layout);
    Checks.sha256("fingerprintSha256", fingerprintSha256);
    Checks.atLeast("trainCount", trainCount, 1);
    Checks.atLeast("validationCount", validationCount, 0);
  }
}
