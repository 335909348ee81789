package org.medlora.training;

/**
 * A run stopped because its training loss stopped being a finite number; nothing was published.
 * Unchecked, since a listener throws it from inside DJL's training loop.
 */
public final class TrainingDivergedException extends RuntimeException {

  private final String reason;
  private final String hint;

  TrainingDivergedException(String reason, String hint) {
    super(reason + "; " + hint);
    this.reason = reason;
    this.hint = hint;
  }

  /** Where the loss stopped being finite. */
  public String reason() {
    return reason;
  }

  /** What to change in the request. */
  public String hint() {
    return hint;
  }
}
