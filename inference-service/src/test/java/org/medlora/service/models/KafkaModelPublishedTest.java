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
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelPublished;
import org.medlora.contracts.Topics;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.Stores;
import org.medlora.service.testing.TestImages;
import org.medlora.store.PublishedModel;
import org.medlora.testsupport.KafkaBrokerResource;

/** Versions announced on a real Kafka broker's model-published topic are loaded and swapped in. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(value = ModelStoreResource.class, initArgs = @ResourceArg(name = "tasks", value = ""))
class KafkaModelPublishedTest {

  static final String TOPIC = Topics.MODEL_PUBLISHED;

  @ConfigProperty(name = "medlora.store.path")
  Path store;

  @Test
  void loadsWhatTheTopicAnnouncesAndSkipsWhatItCannotParse() throws Exception {
    // Read here, not injected: the field would be required in the other test classes' apps too.
    String bootstrapServers = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", bootstrapServers), new StringSerializer(), new StringSerializer())) {
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

  /** The announcement the trainer sends, written with the shared codec. */
  private static ProducerRecord<String, String> announcement(PublishedModel m) {
    return new ProducerRecord<>(TOPIC, m.task(),
        MessageCodec.toJson(ModelPublished.of(m.manifest(), Instant.now(), null)));
  }
}
