package org.medlora.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
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
 * heap option, default {@code -Xmx512m}) and {@code start-timeout-seconds} (default 120).
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

  private String heap = "-Xmx512m";
  private Duration timeout = KafkaBroker.DEFAULT_START_TIMEOUT;
  private KafkaBroker broker;

  @Override
  public void init(Map<String, String> initArgs) {
    heap = initArgs.getOrDefault("heap", heap);
    if (initArgs.containsKey("start-timeout-seconds")) {
      timeout = Duration.ofSeconds(Long.parseLong(initArgs.get("start-timeout-seconds")));
    }
  }

  @Override
  public Map<String, String> start() {
    broker = KafkaBroker.start(timeout, heap);
    return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
  }

  @Override
  public void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
