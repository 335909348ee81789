package org.medlora.service.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
