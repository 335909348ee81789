package org.medlora.stack;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code bin/medlora up} runs.
 *
 * @param home the medlora checkout, where the worker's and the service's jars are built
 * @param store the model store; the broker's data and the logs go under {@code <store>/.medlora}
 * @param port the inference service's HTTP port on 127.0.0.1
 * @param apiKey the key the service requires on {@code /v1}, or null for none
 * @param bootstrap an existing Kafka's {@code host:port}, or null to run a broker
 * @param kafkaPort the broker's client port when it runs one; its controller takes the next
 * @param workerPort the worker's HTTP port (health only)
 * @param datasetRoot the only folder the worker reads data sets from
 * @param checkpointRoot the only folder the worker reads checkpoints from
 */
public record StackConfig(
    Path home,
    Path store,
    int port,
    String apiKey,
    String bootstrap,
    int kafkaPort,
    int workerPort,
    Path datasetRoot,
    Path checkpointRoot) {

  /** Where bin/medlora builds the worker and the service, relative to {@link #home}. */
  public static final String WORKER_JAR = "trainer-worker/target/quarkus-app/quarkus-run.jar";
  public static final String SERVICE_JAR = "inference-service/target/quarkus-app/quarkus-run.jar";

  public StackConfig {
    Objects.requireNonNull(home, "home");
    store = store.toAbsolutePath().normalize();
    datasetRoot = datasetRoot.toAbsolutePath().normalize();
    checkpointRoot = checkpointRoot.toAbsolutePath().normalize();
    for (int p : bootstrap == null ? new int[] {port, workerPort, kafkaPort, kafkaPort + 1} : new int[] {port, workerPort}) {
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("ports are 1 to 65535, got " + p);
      }
    }
  }

  /** The stack's own files: the broker's data ({@code kafka/}) and the logs ({@code logs/}). */
  public Path stateDirectory() {
    return store.resolve(".medlora");
  }

  /** The Kafka the worker and the service use. */
  public String bootstrapServers() {
    return bootstrap != null ? bootstrap : "127.0.0.1:" + kafkaPort;
  }
}
