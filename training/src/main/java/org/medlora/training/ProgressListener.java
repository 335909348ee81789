package org.medlora.training;

import ai.djl.metric.Metrics;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/** Reports each epoch's metrics, its duration and the estimated time left of the phase. */
final class ProgressListener extends TrainingListenerAdapter {

  /** Losses, then the task's metrics, each alphabetically: the order a reader scans them in. */
  private static final Comparator<String> LOSSES_FIRST =
      Comparator.comparing((String name) -> !name.endsWith("loss")).thenComparing(Comparator.naturalOrder());

  private final TrainingRun.Listener out;
  private final String phase;
  private final int epochs;
  private final EpochClock clock;
  private int epoch;

  ProgressListener(TrainingRun.Listener out, String phase, int epochs) {
    this.out = out;
    this.phase = phase;
    this.epochs = epochs;
    this.clock = new EpochClock(epochs);
  }

  @Override
  public void onEpoch(Trainer trainer) {
    clock.epochDone();
    epoch++;
    Metrics metrics = trainer.getMetrics();
    Map<String, Double> latest = new TreeMap<>(LOSSES_FIRST);
    for (String name : metrics.getMetricNames()) {
      if (name.startsWith(PhaseRunner.EPOCH_PREFIX)) {
        latest.put(name.substring(PhaseRunner.EPOCH_PREFIX.length()), metrics.latestMetric(name).getValue());
      }
    }
    out.progress(phase, epoch, epochs, latest, clock.lastSeconds(), clock.etaSeconds());
  }
}
