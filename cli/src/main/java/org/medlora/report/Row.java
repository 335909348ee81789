package org.medlora.report;

import java.util.List;
import java.util.Map;
import org.medlora.contracts.EpochRecord;
import org.medlora.contracts.MethodKind;

/**
 * One line of the paper's table: the model a method trained, or the upsampling decoder trained on
 * top of it, with the numbers its manifest records.
 *
 * @param version the store version the numbers come from
 * @param label how tables and legends name it: {@code linear}, {@code LoRA r=3}, {@code full},
 *     and {@code + decoder} after the method for the decoder's row
 * @param method how the backbone was adapted
 * @param rank the LoRA rank; null for the other methods
 * @param decoder whether this row is the decoder's
 * @param trainableParams the parameters this row's phase trained: backbone part and head, or the
 *     decoder's own; 0 when the manifest does not record it
 * @param metrics the phase's final validation metrics, and the test set's ({@code test-*}) for
 *     the model as published, under the manifest's names
 * @param secondsPerEpoch the phase's mean epoch time
 * @param curve the phase's epochs, for the learning curves; empty for manifests without history
 */
record Row(int version, String label, MethodKind method, Integer rank, boolean decoder, long trainableParams,
    Map<String, Double> metrics, double secondsPerEpoch, List<EpochRecord> curve) {

  Row {
    metrics = Map.copyOf(metrics);
    curve = List.copyOf(curve);
  }
}
