package org.medlora.worker;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Repeats a step that needs the broker (sending a terminal event or an announcement, committing
 * an offset) until it succeeds or a deadline passes, pausing 0.5 s, then twice as long each time
 * up to 5 s: a broker outage delays a job's end, it does not fail the job. Each failed try is
 * logged as a warning. A plain loop: it runs on the job's own thread, which has nothing else to
 * do until the broker has the answer.
 */
final class BrokerRetry {

  private static final Logger LOG = Logger.getLogger(BrokerRetry.class);
  private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

  private BrokerRetry() {}

  /**
   * Runs {@code step} until its stage completes normally, for at most {@code deadline}; a failure
   * that {@code retryable} refuses ends it at once.
   *
   * @throws RuntimeException the last failure, once the deadline passed or it was not retryable
   */
  static void untilDone(String what, Duration deadline, Predicate<Throwable> retryable,
      Supplier<CompletionStage<?>> step) {
    long end = System.nanoTime() + deadline.toNanos();
    Duration pause = FIRST_PAUSE;
    for (int tries = 1; ; tries++) {
      Throwable failure;
      try {
        step.get().toCompletableFuture().join();
        if (tries > 1) {
          LOG.infof("%s: done at try %d", what, tries);
        }
        return;
      } catch (CompletionException | CancellationException e) {
        failure = e.getCause() == null ? e : e.getCause();
      }
      if (System.nanoTime() + pause.toNanos() > end || !retryable.test(failure)) {
        throw new IllegalStateException(what + " failed " + tries + " times: " + failure.getMessage(), failure);
      }
      LOG.warnf("%s failed (%s); trying again for up to %s from the first try", what, failure.getMessage(), deadline);
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(what + " was interrupted", e);
      }
      pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
    }
  }
}
