package org.medlora.contracts;

/**
 * The data a model was trained on, identified by content rather than by location.
 *
 * @param layout how the data set is organised, e.g. {@code image-folder}
 * @param fingerprintSha256 SHA-256 over the data set's files and labels, lowercase hex, so that
 *     "same data" can be checked without the data
 * @param trainCount training examples, at least 1
 * @param validationCount validation examples, at least 0
 */
public record DatasetInfo(
    String layout, String fingerprintSha256, int trainCount, int validationCount) {

  public DatasetInfo {
    Checks.nonBlank("dataset layout", layout);
    Checks.sha256("fingerprintSha256", fingerprintSha256);
    Checks.atLeast("trainCount", trainCount, 1);
    Checks.atLeast("validationCount", validationCount, 0);
  }
}
