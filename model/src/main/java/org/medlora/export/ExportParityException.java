package org.medlora.export;

/**
 * An exported graph disagrees with the DJL model it came from, or an int8 graph's answers with
 * its float32 twin's beyond the task-level bounds ({@link Int8Refused}): the export is unusable
 * and must not be published. The message names the output and the worst difference, or the
 * figures beyond their bounds.
 */
public class ExportParityException extends Exception {

  ExportParityException(String message) {
    super(message);
  }

  /**
   * The int8 model answers too differently from float32 on the held-out images: not a defect of
   * the exporter but a model that does not quantize well enough for the bounds asked for.
   */
  public static final class Int8Refused extends ExportParityException {
    Int8Refused(String message) {
      super(message);
    }
  }
}
