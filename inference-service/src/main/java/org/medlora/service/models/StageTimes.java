package org.medlora.service.models;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.medlora.service.metrics.RequestStage;

/**
 * Where one task's requests spend their time, stage by stage ({@link RequestStage}), and how
 * many run together: the task's meters, registered once and held, since building a meter's id
 * is work on every request. The queue and run stages are told on the model's batcher thread,
 * the others on the request's.
 */
public final class StageTimes {

  private final DistributionSummary batchSizes;
  private final Timer decoded;
  private final Timer queued;
  private final Timer preprocessed;
  private final Timer ran;
  private final Timer rendered;

  StageTimes(MeterRegistry registry, String task) {
    batchSizes = DistributionSummary.builder("medlora.batch.size")
        .description("Requests run together in one ONNX Runtime call")
        .tag("task", task)
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
        .register(registry);
    decoded = RequestStage.DECODE.timer(registry, task);
    queued = RequestStage.QUEUE.timer(registry, task);
    preprocessed = RequestStage.PREPROCESS.timer(registry, task);
    ran = RequestStage.RUN.timer(registry, task);
    rendered = RequestStage.RENDER.timer(registry, task);
  }

  /** Its meters, to be removed with their task. */
  List<Meter> meters() {
    return List.of(batchSizes, decoded, queued, preprocessed, ran, rendered);
  }

  /** One request's image was decoded. */
  public void decoded(long nanos) {
    decoded.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A batch was taken from the queue; each of its requests had waited so long. */
  void queued(long[] waitNanos) {
    batchSizes.record(waitNanos.length);
    for (long wait : waitNanos) {
      queued.record(wait, TimeUnit.NANOSECONDS);
    }
  }

  /** One request's image was resized and normalized into its model's input. */
  void preprocessed(long nanos) {
    preprocessed.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A batch of {@code requests} ran, with reading its outputs. */
  void ran(int requests, long nanos) {
    for (int i = 0; i < requests; i++) {
      ran.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** One request's answer was rendered from its mask. */
  public void rendered(long nanos) {
    rendered.record(nanos, TimeUnit.NANOSECONDS);
  }
}
