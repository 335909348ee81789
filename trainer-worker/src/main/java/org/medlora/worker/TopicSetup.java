package org.medlora.worker;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;
import org.medlora.contracts.Topics;

/**
 * Creates the topics whose settings matter if they do not exist yet: a broker would otherwise
 * auto-create them with its defaults. {@code model-published} is compacted, or a starting service
 * could miss the newest version of a task; {@code training-requests} gets
 * {@code medlora.worker.request-partitions} partitions, as at most that many workers share the
 * requests (a broker's default is often 1: one worker trains, the others idle). Replication is
 * the broker's default; an operator who creates the topics first keeps full control. The admin
 * client gets the channels' own {@code kafka.*} settings (security included), so it reaches every
 * broker they reach.
 */
@ApplicationScoped
class TopicSetup {

  private static final Logger LOG = Logger.getLogger(TopicSetup.class);

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafkaConfig;

  @Inject WorkerConfig config;

  void onStart(@Observes StartupEvent event) {
    Map<String, Object> adminConfig = new HashMap<>(kafkaConfig);
    adminConfig.keySet().retainAll(AdminClientConfig.configNames());
    Object bootstrapServers = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    int partitions = config.worker().requestPartitions();
    List<NewTopic> wanted = List.of(
        new NewTopic(Topics.MODEL_PUBLISHED, Optional.empty(), Optional.empty())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        new NewTopic(Topics.TRAINING_REQUESTS, Optional.of(partitions), Optional.empty()));
    try (Admin admin = Admin.create(adminConfig)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      for (NewTopic topic : wanted) {
        if (!existing.contains(topic.name())) {
          create(admin, topic);
        }
      }
      if (existing.contains(Topics.TRAINING_REQUESTS)) {
        int has = admin.describeTopics(Set.of(Topics.TRAINING_REQUESTS)).allTopicNames().get(30, TimeUnit.SECONDS)
            .get(Topics.TRAINING_REQUESTS).partitions().size();
        if (has < partitions) {
          LOG.warnf("%s has %d partitions, fewer than the %d configured: at most %d workers share its requests;"
              + " add partitions with kafka-topics.sh --alter --partitions %d", Topics.TRAINING_REQUESTS, has,
              partitions, has, partitions);
        }
      }
    } catch (ExecutionException e) {
      LOG.warnf("could not check the topics %s: %s", Topics.TRAINING_REQUESTS + ", " + Topics.MODEL_PUBLISHED,
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      LOG.warnf("Kafka at %s did not answer; the topics were not checked", bootstrapServers);
    }
  }

  private static void create(Admin admin, NewTopic topic) throws InterruptedException, TimeoutException {
    try {
      admin.createTopics(Set.of(topic)).all().get(30, TimeUnit.SECONDS);
      LOG.infof("created the topic %s (%s)", topic.name(), topic.configs() != null && !topic.configs().isEmpty()
          ? "compacted" : topic.numPartitions() + " partitions");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        LOG.warnf("could not create the topic %s: %s", topic.name(), e.getCause());
      }
    }
  }
}
