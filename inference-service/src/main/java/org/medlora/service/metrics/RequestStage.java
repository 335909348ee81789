package org.medlora.service.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;

/**
 * Where a request's time goes, as the timer {@code medlora.request.stage} tagged with the task
 * and the stage: what an operator compares with {@code medlora.request.duration} to see whether
 * the model or the service around it is slow.
 */
public enum RequestStage {
  /** Image bytes to pixels (PNG, JPEG or DICOM). */
  DECODE,
  /** Pixels to the model's input: resize, normalize. */
  PREPROCESS,
  /** Waiting in the model's queue for a batch to start. */
  QUEUE,
  /** The ONNX Runtime run of the batch the request was in, with reading its outputs. */
  RUN,
  /**
   * Segmentation only: the mask resized to the image and encoded as PNG, overlay or DICOM, or
   * its class areas counted for JSON (whose serialization comes after).
   */
  RENDER;

  /** This stage's timer for {@code task}; Micrometer returns the same timer on every call. */
  public Timer timer(MeterRegistry meters, String task) {
    return Timer.builder("medlora.request.stage")
        .description("Time a request spends in one stage of serving")
        .tag("task", task)
        .tag("stage", name().toLowerCase(Locale.ROOT))
        .register(meters);
  }
}
