package org.medlora.service.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.medlora.service.bench.ServingBenchmark.Stats;
import org.medlora.service.bench.ServingBenchmark.Throughput;

class ServingBenchmarkTest {

  @Test
  void theBatchingNoteSaysWhatWasMeasuredAndNoMore() {
    Stats latency = Stats.of(new long[] {1});
    Throughput batched = new Throughput(10, latency, 20); // 2.0 requests/s
    Throughput unbatched = new Throughput(10, latency, 25); // 2.5 requests/s
    assertEquals(String.format("Throughput with batching against without: -20%%. Mean batch size"
            + " with batching on: 1.75 requests per `session.run` (`medlora_batch_size`, over all"
            + " that service's runs, warm-up included).%n%n"),
        ServingBenchmark.batchingNote(batched, unbatched, 1.75));
  }

  @Test
  void aPhaseMeetsTheTargetsOnlyWithinBothRatios() {
    Stats bare = Stats.of(new long[] {100, 100, 100});
    ServingBenchmark.Latency within = new ServingBenchmark.Latency(Stats.of(new long[] {104, 105, 115}), bare, Map.of());
    ServingBenchmark.Latency slowMedian = new ServingBenchmark.Latency(Stats.of(new long[] {104, 106, 110}), bare, Map.of());
    ServingBenchmark.Latency slowTail = new ServingBenchmark.Latency(Stats.of(new long[] {100, 100, 116}), bare, Map.of());
    assertEquals("median met, 99th percentile met", ServingBenchmark.verdict(within));
    assertEquals("median missed, 99th percentile met", ServingBenchmark.verdict(slowMedian));
    assertEquals("median met, 99th percentile missed", ServingBenchmark.verdict(slowTail));
  }

  @Test
  void stageMeansComeFromTheRequestsBetweenTwoSnapshots() {
    Map<String, double[]> before = Map.of("decode", new double[] {1.0, 10}, "run", new double[] {5.0, 10});
    Map<String, double[]> after = Map.of("decode", new double[] {1.5, 20}, "run", new double[] {8.0, 20},
        "render", new double[] {0.02, 10});
    Map<String, Double> means = ServingBenchmark.Service.meanMillis(before, after);
    assertEquals(List.of("decode", "preprocess", "queue", "run", "render"), List.copyOf(means.keySet()));
    assertEquals(50.0, means.get("decode"), 1e-9); // 0.5 s over 10 requests
    assertEquals(300.0, means.get("run"), 1e-9);
    assertEquals(2.0, means.get("render"), 1e-9); // absent before: counted from zero
    assertTrue(means.get("queue").isNaN(), "a stage no request went through has no mean");
  }
}
