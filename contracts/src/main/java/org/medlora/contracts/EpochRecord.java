package org.medlora.contracts;

import java.util.Map;

/**
 * One epoch of one training phase, as a manifest's {@code history} records it: what a learning
 * curve is drawn from. Validation runs after every epoch, so each record holds that epoch's mean
 * training loss and its validation metrics under the names the final {@code metrics} use.
 *
 * @param phase the training phase as the trainer names it: {@code train} (the linear probe, LoRA
 *     or full fine-tuning with the task's head) or {@code decoder} (the upsampling decoder)
 * @param epoch the epoch within its phase, from 1
 * @param seconds how long the epoch took, its validation included; finite, at least 0
 * @param metrics the epoch's metrics ({@code train-loss}, {@code val-loss}, {@code dice}, ...),
 *     finite, in the order given (undefined ones left out)
 */
public record EpochRecord(String phase, int epoch, double seconds, Map<String, Double> metrics) {

  public EpochRecord {
    Checks.nonBlank("phase", phase);
    Checks.atLeast("epoch", epoch, 1);
    Checks.finiteAtLeast("seconds", seconds, 0);
    metrics = ManifestDraft.finiteMetrics("metrics", metrics);
  }
}
