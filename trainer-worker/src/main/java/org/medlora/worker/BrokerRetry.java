package org.medlora.worker;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Repeats a step that needs the broker (sending a terminal event or an announcement, committing
 * an offset) until it succeeds or a deadline passes, with Mutiny's back-off: a broker outage
 * delays a job's end, it does not fail the job. Each failed try is logged as a warning.
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
    Uni.createFrom().completionStage(step)
        .onFailure().invoke(e -> LOG.warnf("%s failed (%s); retrying for up to %s from the first try", what,
            e.getMessage(), deadline))
        .onFailure(retryable).retry().withBackOff(FIRST_PAUSE, LONGEST_PAUSE).expireIn(deadline.toMillis())
        .await().indefinitely();
  }
}
