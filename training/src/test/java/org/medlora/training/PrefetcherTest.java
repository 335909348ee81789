package org.medlora.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What TrainingRunTest's bit-identical check cannot see: that reading really happens ahead. */
class PrefetcherTest {

  @Test
  void readsAheadOnItsOwnThreadAtMostDepthItemsAndHandsThemOverInOrder() throws Exception {
    List<String> readers = new CopyOnWriteArrayList<>();
    List<Integer> read = new CopyOnWriteArrayList<>();
    CountDownLatch aheadDone = new CountDownLatch(3); // items 0, 1 and 2 after take(0) at depth 2
    try (Prefetcher prefetcher = new Prefetcher(2)) {
      Prefetcher.Pass<String> pass = prefetcher.pass(6, i -> {
        readers.add(Thread.currentThread().getName());
        read.add(i);
        aheadDone.countDown();
        return "item " + i;
      });
      assertEquals("item 0", pass.take(0));
      assertTrue(aheadDone.await(10, TimeUnit.SECONDS), "items 1 and 2 are read without being asked for");
      Thread.sleep(100); // would a fourth read start? it must not: at most 2 ahead
      assertEquals(List.of(0, 1, 2), read);
      for (int i = 1; i < 6; i++) {
        assertEquals("item " + i, pass.take(i));
      }
      assertEquals(List.of(0, 1, 2, 3, 4, 5), read);
      assertTrue(readers.stream().allMatch("medlora-prefetch"::equals), "read on the loading thread: " + readers);
    }
  }

  @Test
  void aFailedReadSurfacesAsItsOwnIOExceptionWhenItsItemIsTaken() throws Exception {
    IOException broken = new IOException("image 3 is truncated");
    try (Prefetcher prefetcher = new Prefetcher(1)) {
      Prefetcher.Pass<Integer> pass = prefetcher.pass(4, i -> {
        if (i == 3) {
          throw broken;
        }
        return i;
      });
      for (int i = 0; i < 3; i++) {
        assertEquals(i, pass.take(i));
      }
      assertSame(broken, assertThrows(IOException.class, () -> pass.take(3)));
    }
  }
}
