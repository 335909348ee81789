package org.medlora.contracts;

/**
 * Names of the Kafka topics of the training job protocol. Every value is UTF-8 JSON written and
 * read by {@link MessageCodec}, with a JSON Schema under {@code schemas/} on the classpath
 * ({@code contracts/src/main/resources/schemas/}).
 *
 * <table>
 *   <caption>Topics, keys and values</caption>
 *   <tr><th>topic</th><th>key</th><th>value</th><th>cleanup policy</th><th>written by</th></tr>
 *   <tr><td>{@value #TRAINING_REQUESTS}</td><td>request id</td><td>{@link TrainingRequest}</td>
 *       <td>delete</td><td>hospital teams</td></tr>
 *   <tr><td>{@value #TRAINING_REQUESTS_DLQ}</td><td>the refused record's key</td>
 *       <td>the refused record's value, byte for byte</td><td>delete</td><td>trainer</td></tr>
 *   <tr><td>{@value #TRAINING_EVENTS}</td><td>request id</td><td>{@link JobEvent}</td>
 *       <td>delete</td><td>trainer</td></tr>
 *   <tr><td>{@value #TRAINING_CANCELLATIONS}</td><td>request id</td><td>{@link CancelRequest}</td>
 *       <td>delete</td><td>hospital teams</td></tr>
 *   <tr><td>{@value #MODEL_PUBLISHED}</td><td>task</td><td>{@link ModelPublished}</td>
 *       <td>compact</td><td>trainer, CLI</td></tr>
 * </table>
 *
 * <p>Keying by request id keeps each request's events in order on one partition; keying
 * {@value #MODEL_PUBLISHED} by task lets compaction keep the newest version of every task.
 */
public final class Topics {

  /** Training requests; key: request id; value: {@link TrainingRequest}. */
  public static final String TRAINING_REQUESTS = "training-requests";

  /** Training requests that could not be read; key and value as they arrived. */
  public static final String TRAINING_REQUESTS_DLQ = "training-requests-dlq";

  /** What happened to each request; key: request id; value: {@link JobEvent}. */
  public static final String TRAINING_EVENTS = "training-events";

  /** Requests to stop training; key: request id; value: {@link CancelRequest}. */
  public static final String TRAINING_CANCELLATIONS = "training-cancellations";

  /** New model versions, compacted; key: task; value: {@link ModelPublished}. */
  public static final String MODEL_PUBLISHED = "model-published";

  private Topics() {}
}
