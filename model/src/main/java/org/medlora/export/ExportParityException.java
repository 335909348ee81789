package org.medlora.export;

/**
 * An exported graph disagrees with the DJL model it came from, or an int8 graph's answers with
 * its float32 twin's beyond the task-level bounds: the export is unusable and must not be
 * published. The message names the output and the worst difference, or the figures beyond their
 * bounds.
 */
public final class ExportParityException extends Exception {

  ExportParityException(String message) {
    super(message);
  }
}
