package org.medlora.stack;

/** The processes of a local stack, in the order they start; they stop in the reverse order. */
public enum Part {
  KAFKA("kafka", "Kafka broker"),
  WORKER("worker", "trainer worker"),
  SERVICE("service", "inference service");

  private final String label;
  private final String title;

  Part(String label, String title) {
    this.label = label;
    this.title = title;
  }

  /** The short name, in the address table and for the log file ({@code <label>.log}). */
  public String label() {
    return label;
  }

  /** What it is, in messages. */
  public String title() {
    return title;
  }
}
