package org.medlora.service.models;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;
import org.medlora.service.config.KafkaConsumerSettings;
import org.medlora.service.config.MedloraConfig;
import org.medlora.service.kafka.TopicFollower;

/**
 * Follows the compacted {@code model-published} topic. At start-up it reads the topic from the
 * beginning up to its end as of then, and loads only the newest version per task; after that
 * every new record is loaded as it comes (hot swap). A tombstone (compaction removed the task)
 * leaves the task's loaded version in place.
 *
 * <p>Values are {@link ModelPublished} announcements, read with the shared {@link MessageCodec}
 * (key: the task). A plain consumer with assigned partitions rather than a consumer group
 * ({@link TopicFollower}): every replica must read the whole topic at every start, commits
 * nothing, and needs to know when the backlog is read, which a group subscription does not say.
 */
@ApplicationScoped
public class ModelPublishedListener {

  private static final Logger LOG = Logger.getLogger(ModelPublishedListener.class);

  @Inject ModelRegistry registry;
  @Inject MedloraConfig config;

  @Inject KafkaConsumerSettings settings;

  private TopicFollower<ModelPublished> follower;

  void start(String bootstrapServers) {
    follower = new TopicFollower<>(config.kafka().topic(), ModelPublished.class, "a model-published message",
        new Announcements());
    follower.start("model-published-listener", () -> settings.consumer(bootstrapServers, "medlora-inference"));
  }

  void stop() {
    if (follower != null) {
      follower.stop();
    }
  }

  /** Reads the backlog once, offering only each task's newest version, then offers every version as it comes. */
  private final class Announcements implements TopicFollower.Reader<ModelPublished> {

    /** Once true, stays so: a new consumer after a failure offers what it reads at once. */
    private boolean backlogRead;
    private Map<TopicPartition, Long> end;
    private long deadline;
    /** Newest announcement per task in the backlog; only these are loaded. */
    private final Map<String, ModelPublished> newest = new LinkedHashMap<>();

    @Override
    public void topicMissing() {
      if (!backlogRead) {
        LOG.infof("topic %s does not exist yet: nothing published; waiting for it", config.kafka().topic());
        backlogRead = true;
        registry.markInitialLoadDone();
      }
    }

    @Override
    public void seek(KafkaConsumer<String, String> c, List<TopicPartition> partitions) {
      c.seekToBeginning(partitions);
      end = c.endOffsets(partitions);
      deadline = System.nanoTime() + config.kafka().startupTimeout().toNanos();
      newest.clear();
    }

    @Override
    public void accept(ModelPublished message) {
      if (!backlogRead) {
        newest.merge(message.task(), message, (a, b) -> b.version() >= a.version() ? b : a);
      } else {
        registry.offer(message.task(), message.version(), message.modelSha256());
      }
    }

    @Override
    public void polled(KafkaConsumer<String, String> c) {
      if (!backlogRead && (caughtUp(c) || System.nanoTime() > deadline)) {
        String topic = config.kafka().topic();
        if (!caughtUp(c)) {
          LOG.warnf("topic %s: backlog not read within %s; loading what was read and following"
              + " on", topic, config.kafka().startupTimeout());
        }
        LOG.infof("topic %s: backlog read, %d task(s) announced", topic, newest.size());
        for (ModelPublished m : newest.values()) {
          registry.offer(m.task(), m.version(), m.modelSha256());
        }
        newest.clear();
        registry.markInitialLoadDone();
        backlogRead = true;
      }
    }

    private boolean caughtUp(KafkaConsumer<String, String> c) {
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        if (c.position(e.getKey()) < e.getValue()) {
          return false;
        }
      }
      return true;
    }
  }
}
