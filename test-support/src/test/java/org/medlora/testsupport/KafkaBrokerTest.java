package org.medlora.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  @Test
  void aRecordProducedToTheBrokerIsConsumedBackAndTheDataIsDeletedOnClose() throws Exception {
    Path log;
    try (KafkaBroker broker = KafkaBroker.start()) {
      log = broker.logFile();
      assertNotEquals("127.0.0.1:9092", broker.bootstrapServers(), "a free port, not the default");
      Map<String, Object> common = Map.of("bootstrap.servers", broker.bootstrapServers());
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(common, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("smoke", "k", "hello")).get();
      }
      Map<String, Object> consumerConfig = new java.util.HashMap<>(common);
      consumerConfig.put("group.id", UUID.randomUUID().toString());
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
        TopicPartition partition = new TopicPartition("smoke", 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.isEmpty() && System.nanoTime() < deadline) {
          records = consumer.poll(Duration.ofMillis(500));
        }
        ConsumerRecord<String, String> first = records.iterator().next();
        assertEquals("hello", first.value());
      }
    }
    assertFalse(Files.exists(log.getParent()), "data directory deleted");
  }
}
