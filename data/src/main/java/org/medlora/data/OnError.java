package org.medlora.data;

/** What to do with a file that cannot be read as an image. */
public enum OnError {
  /** Leave the file out and record its path and the reason in {@link Dataset#problems()}. */
  SKIP_AND_REPORT,
  /** Throw a {@link DatasetException} naming the file and the reason. */
  FAIL
}
