package org.medlora.service.models;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.medlora.service.testing.Api.api;
import static org.medlora.service.testing.TestTasks.CLASSIFIER;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;
import org.medlora.contracts.Topics;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.Stores;
import org.medlora.service.testing.TestImages;
import org.medlora.store.PublishedModel;
import org.medlora.testsupport.KafkaBrokerResource;

/**
 * Versions announced on a real Kafka broker's model-published topic are loaded and swapped in;
 * a refused announcement falls back to the store.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(value = ModelStoreResource.class, initArgs = @ResourceArg(name = "tasks", value = ""))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaModelPublishedTest {

  static final String TOPIC = Topics.MODEL_PUBLISHED;

  @ConfigProperty(name = "medlora.store.path")
  Path store;

  @Test
  @Order(1)
  void loadsWhatTheTopicAnnouncesAndSkipsWhatItCannotParse() throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>(TOPIC, "junk", "this is not JSON")).get();
      PublishedModel v1 = Stores.publish(store, CLASSIFIER, CLASSIFIER, CLASSIFIER);
      // In the store but never announced: with Kafka configured the store is not scanned.
      Stores.publish(store, SEGMENTER, SEGMENTER, SEGMENTER);
      producer.send(announcement(v1)).get();

      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> given().get("/q/health/ready").statusCode() == 200);
      api().contentType("image/png").body(TestImages.png8Gray(30, 30))
          .post("/v1/models/" + CLASSIFIER + "/classify").then().statusCode(200)
          .body("version", equalTo(1));

      PublishedModel v2 = Stores.publish(store, CLASSIFIER, CLASSIFIER, CLASSIFIER);
      producer.send(announcement(v2)).get();
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> api().contentType("image/png").body(TestImages.png8Gray(30, 30))
              .post("/v1/models/" + CLASSIFIER + "/classify").jsonPath().getInt("version") == 2);
      api().get("/v1/models").then().statusCode(200)
          .body("models.find { it.task == '" + SEGMENTER + "' }", equalTo(null));
    }
  }

  @Test
  @Order(2)
  void aRefusedAnnouncementFallsBackToTheNewestVersionInTheStoreThatLoads() throws Exception {
    // The topic keeps only the newest announcement per task; version 1 of the segmenter is in
    // the store (published by the first test) but was never announced.
    PublishedModel v2 = Stores.publish(store, SEGMENTER, SEGMENTER, SEGMENTER);
    Stores.corruptModel(store, SEGMENTER, 2);
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(announcement(v2)).get();
    }
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> api().get("/v1/models/" + SEGMENTER).statusCode() == 200);
    api().get("/v1/models").then().statusCode(200)
        .body("models.find { it.task == '" + SEGMENTER + "' }.version", equalTo(1))
        .body("models.find { it.task == '" + SEGMENTER + "' }.skipped-versions.version",
            equalTo(List.of(2)));
    api().contentType("image/png").body(TestImages.png8Gray(30, 30))
        .post("/v1/models/" + SEGMENTER + "/segment").then().statusCode(200)
        .header("Medlora-Model-Version", "1");
  }

  private static KafkaProducer<String, String> producer() {
    // Read here, not injected: the field would be required in the other test classes' apps too.
    String bootstrapServers =
        ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers),
        new StringSerializer(), new StringSerializer());
  }

  /** The announcement the trainer sends, written with the shared codec. */
  private static ProducerRecord<String, String> announcement(PublishedModel m) {
    return new ProducerRecord<>(TOPIC, m.task(),
        MessageCodec.toJson(ModelPublished.of(m.manifest(), Instant.now(), null)));
  }
}
