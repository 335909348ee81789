package org.medlora.service.models;

/**
 * Told where a model's requests spend their time, stage by stage (see
 * {@link org.medlora.service.metrics.RequestStage}), for the request stage metrics. The queue
 * and run stages are told on the model's batcher thread, the others on the request's.
 */
public interface StageTimes {

  /** One request's image was decoded. */
  void decoded(long nanos);

  /** A batch was taken from the queue; each of its requests had waited so long. */
  void queued(long[] waitNanos);

  /** One request's image was resized and normalized into its model's input. */
  void preprocessed(long nanos);

  /** A batch of {@code requests} ran, with reading its outputs. */
  void ran(int requests, long nanos);

  /** One request's answer was rendered from its mask. */
  void rendered(long nanos);
}
