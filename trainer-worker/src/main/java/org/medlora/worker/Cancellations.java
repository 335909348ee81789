package org.medlora.worker;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.medlora.contracts.CancelRequest;
import org.medlora.contracts.MessageCodec;

/**
 * Every worker reads every cancellation (each with its own consumer group, from the beginning),
 * so a request cancelled before or while a worker runs it is stopped wherever it runs.
 */
@ApplicationScoped
public class Cancellations {

  private static final Logger LOG = Logger.getLogger(Cancellations.class);

  /** Request id to the cancellation's reason, which the cancelled event carries. */
  private final Map<String, String> cancelled = new ConcurrentHashMap<>();

  @Incoming("training-cancellations")
  public void onCancel(String json) {
    try {
      CancelRequest cancel = MessageCodec.fromJson(json, CancelRequest.class);
      cancelled.put(cancel.requestId(), cancel.reason());
      LOG.infof("cancellation received for request %s", cancel.requestId());
    } catch (IllegalArgumentException e) {
      LOG.warnf("ignoring a malformed cancellation: %s", e.getMessage());
    }
  }

  public boolean isCancelled(String requestId) {
    return cancelled.containsKey(requestId);
  }

  /** Why {@code requestId} was cancelled, as its cancellation says; null if it was not. */
  public String reason(String requestId) {
    return cancelled.get(requestId);
  }
}
