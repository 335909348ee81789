package org.medlora.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where a training phase's batches come from, and how it is validated: images loaded (and
 * augmented) every epoch, or arrays computed once by a frozen network and reused every epoch.
 */
interface PhaseData {

  /** One optimizer step's inputs and target, for {@code size} examples. */
  record Step(NDList inputs, NDArray target, int size) {}

  /** Loads one step's arrays into the step's manager, which frees them after the step. */
  @FunctionalInterface
  interface StepLoader {
    Step load(NDManager manager) throws IOException;
  }

  /** The steps of {@code epoch} (from 1), in training order. */
  List<StepLoader> epoch(int epoch);

  /** Validation metrics of the network as trained so far. */
  Map<String, Double> validate() throws IOException;
}
