package org.medlora.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A Quarkus test resource that runs a real {@link KafkaBroker} for the test classes that opt in:
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(KafkaBrokerResource.class)
 * class ModelPublishedIT { ... }
 * }</pre>
 *
 * <p>{@link #start()} returns {@code kafka.bootstrap.servers}, which the Quarkus Kafka extensions
 * and SmallRye Reactive Messaging read. Init arguments (all optional): {@code heap} (child JVM
 * heap option, default {@code -Xmx512m}), {@code start-timeout-seconds} (default 120), and
 * {@code sasl-user} with {@code sasl-password}: the application then gets the broker's
 * SASL_PLAINTEXT listener and that user's {@code kafka.security.protocol},
 * {@code kafka.sasl.mechanism} and {@code kafka.sasl.jaas.config}, as a deployment would set them.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

  private String heap = "-Xmx512m";
  private Duration timeout = KafkaBroker.DEFAULT_START_TIMEOUT;
  private KafkaBroker.PlainUser saslUser;
  private KafkaBroker broker;

  @Override
  public void init(Map<String, String> initArgs) {
    heap = initArgs.getOrDefault("heap", heap);
    if (initArgs.containsKey("start-timeout-seconds")) {
      timeout = Duration.ofSeconds(Long.parseLong(initArgs.get("start-timeout-seconds")));
    }
    if (initArgs.containsKey("sasl-user")) {
      saslUser = new KafkaBroker.PlainUser(initArgs.get("sasl-user"), initArgs.getOrDefault("sasl-password", ""));
    }
  }

  @Override
  public Map<String, String> start() {
    broker = KafkaBroker.start(timeout, heap, saslUser);
    if (saslUser == null) {
      return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }
    Map<String, String> config = new HashMap<>();
    config.put("kafka.bootstrap.servers", broker.saslBootstrapServers());
    broker.saslClientConfig().forEach((key, value) -> config.put("kafka." + key, value));
    return config;
  }

  @Override
  public void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
