package org.medlora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.medlora.bench.BackboneBenchmark.Peak;
import org.medlora.bench.BackboneBenchmark.Result;

/** The results table states what it did not measure. */
class BackboneBenchmarkTableTest {

  @Test
  void aPeakThatCouldNotBeResetIsMarkedAsTheProcessMaximum() {
    String table = BackboneBenchmark.table(List.of(
        new Result("inference", 448, 1, 505.2, 498.0, new Peak(812, true), 0),
        new Result("train lora", 448, 4, 4670.0, 4500.0, new Peak(2810, false), 56_066),
        new Result("segmenter ORT", 448, 8, 3300.0, 3200.0, new Peak(-1, true), 0)));
    assertEquals("""
        | scenario | input | batch | median ms | min ms | peak RSS MB | trainable params |
        |---|---|---|---|---|---|---|
        | inference | 448x448 | 1 | 505.2 | 498.0 | 812 | - |
        | train lora | 448x448 | 4 | 4670.0 | 4500.0 | 2810 (process max: reset refused) | 56,066 |
        | segmenter ORT | 448x448 | 8 | 3300.0 | 3200.0 | n/a | - |
        """, table);
  }
}
