package org.medlora.export;

/**
 * An exported graph disagrees with the DJL model it came from: the export is unusable and must
 * not be published. The message names the output, the size and place of the worst difference.
 */
public final class ExportParityException extends Exception {

  ExportParityException(String message) {
    super(message);
  }
}
