package org.medlora.service.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Dynamic batching for one model: requests wait in a bounded queue and a single worker thread
 * runs them in batches, as Triton's dynamic batcher does with the same knobs.
 *
 * <p>The worker takes the oldest request, then keeps taking requests until the batch holds
 * {@code maxBatchSize} or {@code maxQueueDelay} has passed since that oldest request arrived,
 * and runs the batch. With {@code maxBatchSize = 1} every request runs alone, in arrival order.
 * A full queue refuses new requests at once ({@link QueueFullException}) instead of growing:
 * under overload callers get a fast 503 rather than a slow timeout.
 *
 * @param <I> one request's input
 * @param <O> one request's result
 */
public final class Batcher<I, O> implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Batcher.class);

  /** Runs one batch; returns one result per input, in order. Called on the worker thread only. */
  @FunctionalInterface
  public interface BatchRunner<I, O> {
    List<O> run(List<I> inputs) throws Exception;
  }

  /**
   * Told about every batch, run or failed, e.g. for metrics. Called on the worker thread before
   * the batch's results are handed out; what it throws is logged and does not reach them.
   */
  @FunctionalInterface
  public interface BatchObserver {
    /**
     * A batch ran.
     *
     * @param waitNanos how long each of its requests waited in the queue before the run began
     */
    void ran(long[] waitNanos);
  }

  private record Job<I, O>(I input, CompletableFuture<O> result, long enqueuedNanos) {}

  private final String name;
  private final int maxBatchSize;
  private final long maxQueueDelayNanos;
  private final BlockingQueue<Job<I, O>> queue;
  private final BatchRunner<I, O> runner;
  private final BatchObserver observer;
  private final Thread worker;
  private volatile boolean running = true;

  /**
   * Starts the worker thread.
   *
   * @param name names the worker thread ({@code batcher-<name>})
   * @param observer told about every batch run
   */
  public Batcher(String name, int maxBatchSize, Duration maxQueueDelay, int maxQueueSize,
      BatchRunner<I, O> runner, BatchObserver observer) {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
    }
    if (maxQueueSize < 1) {
      throw new IllegalArgumentException("maxQueueSize must be >= 1, got " + maxQueueSize);
    }
    if (maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException("maxQueueDelay must be >= 0, got " + maxQueueDelay);
    }
    this.name = Objects.requireNonNull(name, "name");
    this.maxBatchSize = maxBatchSize;
    this.maxQueueDelayNanos = maxQueueDelay.toNanos();
    this.queue = new ArrayBlockingQueue<>(maxQueueSize);
    this.runner = Objects.requireNonNull(runner, "runner");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.worker = new Thread(this::work, "batcher-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues one request.
   *
   * @return completes with the result, or exceptionally with what the runner threw
   * @throws QueueFullException if {@code maxQueueSize} requests are already waiting
   * @throws IllegalStateException if the batcher was closed
   */
  public CompletableFuture<O> submit(I input) {
    if (!running) {
      throw new IllegalStateException("batcher " + name + " is closed");
    }
    Job<I, O> job = new Job<>(input, new CompletableFuture<>(), System.nanoTime());
    if (!queue.offer(job)) {
      throw new QueueFullException(name, queue.size());
    }
    return job.result;
  }

  /** Requests waiting, not counting the batch being run. */
  public int queueDepth() {
    return queue.size();
  }

  private void work() {
    List<Job<I, O>> batch = new ArrayList<>(maxBatchSize);
    while (running) {
      try {
        Job<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = first.enqueuedNanos + maxQueueDelayNanos;
        while (batch.size() < maxBatchSize) {
          long wait = deadline - System.nanoTime();
          Job<I, O> next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        run(batch);
      } catch (InterruptedException e) {
        if (running) {
          LOG.warnf("batcher %s interrupted while open; stopping", name);
        }
        break;
      } finally {
        batch.clear();
      }
    }
    failPending(new IllegalStateException("batcher " + name + " closed"));
  }

  private void run(List<Job<I, O>> batch) {
    List<I> inputs = new ArrayList<>(batch.size());
    long[] waits = new long[batch.size()];
    long start = System.nanoTime();
    for (int i = 0; i < batch.size(); i++) {
      inputs.add(batch.get(i).input);
      waits[i] = start - batch.get(i).enqueuedNanos;
    }
    List<O> results = null;
    Throwable failure = null;
    try {
      results = runner.run(inputs);
      if (results.size() != batch.size()) {
        throw new IllegalStateException(
            "batch runner returned " + results.size() + " results for " + batch.size() + " inputs");
      }
    } catch (Throwable t) {
      failure = t;
    }
    observe(waits);
    // Never kill the worker: a failed batch fails its requests and the next one runs.
    for (int i = 0; i < batch.size(); i++) {
      if (failure == null) {
        batch.get(i).result.complete(results.get(i));
      } else {
        batch.get(i).result.completeExceptionally(failure);
      }
    }
  }

  /** Metrics must never fail the requests they measure. */
  private void observe(long[] waits) {
    try {
      observer.ran(waits);
    } catch (RuntimeException e) {
      LOG.warnf(e, "batcher %s: the batch observer failed", name);
    }
  }

  private void failPending(RuntimeException reason) {
    for (Job<I, O> job; (job = queue.poll()) != null; ) {
      job.result.completeExceptionally(reason);
    }
  }

  /** Stops the worker after the batch in progress; requests still queued fail. */
  @Override
  public void close() {
    running = false;
    worker.interrupt();
    try {
      worker.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending(new IllegalStateException("batcher " + name + " closed"));
  }
}
