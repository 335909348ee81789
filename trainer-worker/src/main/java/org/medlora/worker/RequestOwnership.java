package org.medlora.worker;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Which {@code training-requests} partitions this worker owns now. A job runs only while its
 * request's partition is owned: once it is revoked (another worker joined), lost (this worker
 * was fenced or its session expired) or the worker shuts down, the request belongs to whoever
 * reads it next, and the job stops at its next batch without publishing. The connector calls
 * this listener on its polling thread (named by {@code consumer-rebalance-listener.name}).
 */
@ApplicationScoped
@Identifier(RequestOwnership.NAME)
public class RequestOwnership implements KafkaConsumerRebalanceListener {

  static final String NAME = "training-requests-ownership";

  private static final Logger LOG = Logger.getLogger(RequestOwnership.class);

  private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    owned.addAll(partitions);
    if (!partitions.isEmpty()) {
      LOG.infof("now reading training-requests partitions %s", numbers(partitions));
    }
  }

  @Override
  public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    giveUp(partitions, "given up (another worker joined, or this one is stopping)");
  }

  @Override
  public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    giveUp(partitions, "lost (this worker's session ended or it was fenced)");
  }

  private void giveUp(Collection<TopicPartition> partitions, String how) {
    owned.removeAll(partitions);
    if (!partitions.isEmpty()) {
      LOG.infof("training-requests partitions %s %s; a job from them stops at its next batch", numbers(partitions),
          how);
    }
  }

  /** Gives every request up for good: the worker is stopping. */
  void giveUpAll() {
    stopping = true;
  }

  /** True while this worker may work on the requests of {@code partition}. */
  boolean owns(TopicPartition partition) {
    return !stopping && owned.contains(partition);
  }

  private static String numbers(Collection<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::partition).sorted().toList().toString();
  }
}
