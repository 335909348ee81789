package org.medlora.service.config;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The settings of the service's Kafka consumers: every {@code kafka.*} setting (security, say)
 * passes through, and the service's own choices win. Its consumers read whole topics with
 * assigned partitions and commit nothing, so they have no group id.
 */
@ApplicationScoped
public class KafkaConsumerSettings {

  @Inject
  @Identifier("default-kafka-broker")
  Instance<Map<String, Object>> kafkaConfig;

  /** A consumer's settings for {@code bootstrapServers}, its client id starting with {@code name}. */
  public Map<String, Object> consumer(String bootstrapServers, String name) {
    Map<String, Object> props = new HashMap<>();
    if (kafkaConfig.isResolvable()) {
      props.putAll(kafkaConfig.get());
    }
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return props;
  }
}
