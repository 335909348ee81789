package org.medlora.training;

/**
 * A run stopped because its job was cancelled; nothing was published. Unchecked, since it is
 * thrown from inside DJL's training loop by a listener.
 */
public final class TrainingCancelledException extends RuntimeException {

  TrainingCancelledException(String message) {
    super(message);
  }
}
