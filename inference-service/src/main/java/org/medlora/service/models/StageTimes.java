package org.medlora.service.models;

/**
 * Told where a model's requests spend their time inside its batches: the queue, preprocessing
 * into the batch's input and the run, for the request stage metrics. Called on the model's
 * batcher thread.
 */
public interface StageTimes {

  /** A batch was taken from the queue; each of its requests had waited so long. */
  void queued(long[] waitNanos);

  /** One request's image was resized and normalized into its batch's input. */
  void preprocessed(long nanos);

  /** A batch of {@code requests} ran, with reading its outputs. */
  void ran(int requests, long nanos);
}
