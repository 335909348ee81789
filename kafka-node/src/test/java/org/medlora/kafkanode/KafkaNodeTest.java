package org.medlora.kafkanode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaNodeTest {

  @Test
  void clusterIdsAreKafkaUuids() {
    String id = KafkaNode.clusterId();
    assertEquals(22, id.length());
    assertFalse(id.contains("="));
  }

  @Test
  void anExtraListenerIsListenedOnAdvertisedAndMapped() {
    KafkaNode node = new KafkaNode(Path.of("kafka"), 9092, 9093, "-Xmx512m");
    String properties = node.serverProperties(List.of(
        new KafkaNode.Listener("SASL_PLAINTEXT", 9094, List.of("sasl.enabled.mechanisms=PLAIN"))));
    assertTrue(properties.contains("\nlisteners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,"
        + "SASL_PLAINTEXT://127.0.0.1:9094\n"), properties);
    assertTrue(properties.contains("\nadvertised.listeners=PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9094\n"));
    assertTrue(properties.contains("SASL_PLAINTEXT:SASL_PLAINTEXT"));
    assertTrue(properties.endsWith("sasl.enabled.mechanisms=PLAIN\n"));
  }

  @Test
  void theClasspathWrittenByTheBuildNamesKafka() {
    assertTrue(KafkaNode.classpath().contains("kafka_2.13"));
  }

  @Test
  void oneListenerCannotServeBothRoles() {
    assertThrows(IllegalArgumentException.class, () -> new KafkaNode(Path.of("k"), 9092, 9092, "-Xmx512m"));
  }
}
