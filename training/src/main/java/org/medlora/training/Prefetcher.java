package org.medlora.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads the next batches on one background thread while the training thread computes, at most
 * {@code depth} batches ahead so memory stays bounded, and hands them over in order. What is
 * read does not depend on when or where: each example has its own random stream
 * ({@link Batches#read}), so a prefetched run trains bit for bit as one that loads inline. One
 * loading thread suffices: a batch loads in a fraction of a training step, and on a 2-core
 * machine more threads would take cores from libtorch.
 */
final class Prefetcher implements AutoCloseable {

  /** Batches read ahead by default: the next one, and one more to absorb a slow image. */
  static final int DEFAULT_DEPTH = 2;

  /** Reads item {@code index} of a pass. */
  @FunctionalInterface
  interface Read<T> {
    T read(int index) throws IOException;
  }

  private final ExecutorService loader =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "medlora-prefetch");
        t.setDaemon(true); // never keeps a finished or failed run's JVM alive
        return t;
      });
  private final int depth;

  Prefetcher(int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("a prefetcher reads at least 1 batch ahead, got " + depth);
    }
    this.depth = depth;
  }

  /** A pass over {@code count} items, which must be taken in index order. */
  <T> Pass<T> pass(int count, Read<T> read) {
    return new Pass<>(count, read);
  }

  /** One pass's items, read ahead. Used by one thread. */
  final class Pass<T> {
    private final int count;
    private final Read<T> read;
    private final List<Future<T>> futures = new ArrayList<>();

    private Pass(int count, Read<T> read) {
      this.count = count;
      this.read = read;
    }

    /** Item {@code index}, waiting for it if it is still being read; starts reading further ahead. */
    T take(int index) throws IOException {
      while (futures.size() < Math.min(count, index + 1 + depth)) {
        int i = futures.size();
        futures.add(loader.submit(() -> {
          try {
            return read.read(i);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
      }
      try {
        return futures.get(index).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for batch " + index, e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UncheckedIOException io) {
          throw io.getCause();
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException("reading batch " + index + " failed", cause);
      } finally {
        futures.set(index, null); // the consumer owns it now; let the arrays go with the step
      }
    }
  }

  @Override
  public void close() {
    loader.shutdownNow();
  }
}
