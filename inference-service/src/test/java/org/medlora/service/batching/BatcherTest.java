package org.medlora.service.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatcherTest {

  @Test
  void requestsArrivingWithinTheDelayRunAsOneBatchInOrder() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    try (Batcher<Integer, Integer> b = new Batcher<>("t", 8, Duration.ofMillis(200), 16,
        in -> in.stream().map(x -> x * 10).toList(), sizes::add)) {
      List<CompletableFuture<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        results.add(b.submit(i));
      }
      for (int i = 0; i < 5; i++) {
        assertEquals(i * 10, results.get(i).get(5, TimeUnit.SECONDS));
      }
    }
    assertEquals(List.of(5), sizes);
  }

  @Test
  void aBatchNeverExceedsMaxBatchSize() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    try (Batcher<Integer, Integer> b = new Batcher<>("t", 3, Duration.ofMillis(100), 16,
        in -> in, sizes::add)) {
      List<CompletableFuture<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        results.add(b.submit(i));
      }
      for (CompletableFuture<Integer> r : results) {
        r.get(5, TimeUnit.SECONDS);
      }
    }
    assertTrue(sizes.stream().allMatch(s -> s <= 3), "sizes " + sizes);
    assertEquals(7, sizes.stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void aFullQueueRefusesAtOnceInsteadOfGrowing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    try (Batcher<Integer, Integer> b = new Batcher<>("t", 1, Duration.ZERO, 2, in -> {
      running.countDown();
      release.await();
      return in;
    }, s -> {})) {
      CompletableFuture<Integer> first = b.submit(1); // taken by the worker, which blocks
      assertTrue(running.await(5, TimeUnit.SECONDS));
      b.submit(2);
      b.submit(3); // the queue (2) is now full
      assertThrows(QueueFullException.class, () -> b.submit(4));
      assertEquals(2, b.queueDepth());
      release.countDown();
      assertEquals(1, first.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void aFailingBatchFailsItsRequestsAndTheWorkerCarriesOn() throws Exception {
    try (Batcher<Integer, Integer> b = new Batcher<>("t", 1, Duration.ZERO, 4, in -> {
      if (in.get(0) < 0) {
        throw new IllegalStateException("boom");
      }
      return in;
    }, s -> {})) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> b.submit(-1).get(5, TimeUnit.SECONDS));
      assertEquals("boom", e.getCause().getMessage());
      assertEquals(7, b.submit(7).get(5, TimeUnit.SECONDS));
    }
  }
}
