package org.medlora.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.OptimizerKind;
import org.medlora.contracts.OptimizerSpec;
import org.medlora.contracts.Schedule;

/** The request's optimizer settings reach DJL's update. */
class OptimizersTest {

  /** Plain SGD (no momentum, no decay) at rate 0.1 on a weight of 0 with a gradient of 100. */
  private static float updated(double clipGradient) {
    OptimizerSpec spec = new OptimizerSpec(OptimizerKind.SGD, 0.1, 0, 0, Schedule.CONSTANT, 0, clipGradient);
    Optimizer optimizer = Optimizers.of(spec, 10, 0);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray weight = m.create(new float[] {0f});
      optimizer.update("w", weight, m.create(new float[] {100f}));
      return weight.getFloat(0);
    }
  }

  @Test
  void clipGradientBoundsEachGradientElementBeforeTheStep() {
    assertEquals(-10f, updated(0), 1e-6f, "0 is no clipping: 0.1 x 100");
    assertEquals(-0.05f, updated(0.5), 1e-6f, "clipped to 0.5: 0.1 x 0.5");
  }
}
