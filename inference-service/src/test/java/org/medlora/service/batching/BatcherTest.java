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
        in -> in.stream().map(x -> x * 10).toList(), waits -> sizes.add(waits.length))) {
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
  void withoutADelayTheWorkerNeverWaitsAndRequestsQueuedDuringARunFormTheNextBatch()
      throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    List<Long> firstWaits = new CopyOnWriteArrayList<>();
    try (Batcher<Integer, Integer> b = new Batcher<>("t", 8, Duration.ZERO, 16, in -> {
      if (in.get(0) == 0) {
        running.countDown();
        release.await();
        Thread.sleep(50);
      }
      return in;
    }, waits -> {
      sizes.add(waits.length);
      firstWaits.add(waits[0]);
    })) {
      CompletableFuture<Integer> first = b.submit(0);
      assertTrue(running.await(5, TimeUnit.SECONDS), "a lone request runs without waiting");
      List<CompletableFuture<Integer>> queued = List.of(b.submit(1), b.submit(2), b.submit(3));
      release.countDown();
      assertEquals(0, first.get(5, TimeUnit.SECONDS));
      for (int i = 0; i < 3; i++) {
        assertEquals(i + 1, queued.get(i).get(5, TimeUnit.SECONDS));
      }
    }
    assertEquals(List.of(1, 3), sizes);
    // The second batch waited through the first run, which slept 50 ms after its release.
    assertTrue(firstWaits.get(1) >= TimeUnit.MILLISECONDS.toNanos(50), "waits " + firstWaits);
  }

  @Test
  void aBatchNeverExceedsMaxBatchSize() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    try (Batcher<Integer, Integer> b = new Batcher<>("t", 3, Duration.ofMillis(100), 16,
        in -> in, waits -> sizes.add(waits.length))) {
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
    }, waits -> {})) {
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
  void aFailingBatchFailsItsRequestsIsObservedAndTheWorkerCarriesOn() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    try (Batcher<Integer, Integer> b = new Batcher<>("t", 1, Duration.ZERO, 4, in -> {
      if (in.get(0) < 0) {
        throw new IllegalStateException("boom");
      }
      return in;
    }, waits -> sizes.add(waits.length))) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> b.submit(-1).get(5, TimeUnit.SECONDS));
      assertEquals("boom", e.getCause().getMessage());
      assertEquals(7, b.submit(7).get(5, TimeUnit.SECONDS));
    }
    assertEquals(List.of(1, 1), sizes, "the failed batch is observed too");
  }

  @Test
  void aFailingObserverDoesNotFailTheRequests() throws Exception {
    try (Batcher<Integer, Integer> b = new Batcher<>("t", 1, Duration.ZERO, 4, in -> in,
        waits -> {
          throw new IllegalStateException("metrics broke");
        })) {
      assertEquals(3, b.submit(3).get(5, TimeUnit.SECONDS));
    }
  }
}
