package org.medlora.worker;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
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

  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  @Incoming("training-cancellations")
  public void onCancel(String json) {
    try {
      CancelRequest cancel = MessageCodec.fromJson(json, CancelRequest.class);
      cancelled.add(cancel.requestId());
      LOG.infof("cancellation received for request %s", cancel.requestId());
    } catch (IllegalArgumentException e) {
      LOG.warnf("ignoring a malformed cancellation: %s", e.getMessage());
    }
  }

  public boolean isCancelled(String requestId) {
    return cancelled.contains(requestId);
  }
}
