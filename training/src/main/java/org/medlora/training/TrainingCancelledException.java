package org.medlora.training;

/** A run stopped because its job was cancelled; nothing was published. */
public final class TrainingCancelledException extends Exception {

  TrainingCancelledException(String message) {
    super(message);
  }
}
