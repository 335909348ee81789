package org.medlora.worker;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
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
 * Creates {@code model-published} as a compacted topic if it does not exist yet: a broker would
 * otherwise auto-create it with the delete policy, and a starting service could then miss the
 * newest version of a task. Partitions and replication are the broker's defaults; an operator
 * who creates the topic first keeps full control. The admin client gets the channels' own
 * {@code kafka.*} settings (security included), so it reaches every broker they reach.
 */
@ApplicationScoped
class TopicSetup {

  private static final Logger LOG = Logger.getLogger(TopicSetup.class);

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafkaConfig;

  void onStart(@Observes StartupEvent event) {
    Map<String, Object> adminConfig = new HashMap<>(kafkaConfig);
    adminConfig.keySet().retainAll(AdminClientConfig.configNames());
    Object bootstrapServers = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(adminConfig)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (!existing.contains(Topics.MODEL_PUBLISHED)) {
        NewTopic topic = new NewTopic(Topics.MODEL_PUBLISHED, Optional.empty(), Optional.empty())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        admin.createTopics(Set.of(topic)).all().get(30, TimeUnit.SECONDS);
        LOG.infof("created the compacted topic %s", Topics.MODEL_PUBLISHED);
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        LOG.warnf("could not create %s as a compacted topic: %s", Topics.MODEL_PUBLISHED, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      LOG.warnf("Kafka at %s did not answer; %s was not checked", bootstrapServers, Topics.MODEL_PUBLISHED);
    }
  }
}
