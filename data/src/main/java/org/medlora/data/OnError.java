package org.medlora.data;

/** What to do with a file that cannot be read as an image. */
public enum OnError {
  /** Leave the image out and record it with the reason in {@link Dataset#skipped()}. */
  SKIP_AND_REPORT,
  /** Throw a {@link DatasetException} naming the file and the reason. */
  FAIL
}
