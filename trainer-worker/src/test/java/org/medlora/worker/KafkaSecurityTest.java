package org.medlora.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.Topics;
import org.medlora.testsupport.KafkaBrokerResource;

/**
 * The worker on a broker that serves only authenticated clients (SASL_PLAINTEXT, PLAIN), given
 * nothing but {@code kafka.*} settings, as a deployment sets {@code KAFKA_SECURITY_PROTOCOL} and
 * the like: every client the worker opens (requests, events, dead letters, the topic set-up's
 * admin) must carry them.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = {
    @ResourceArg(name = "sasl-user", value = "medlora-worker"),
    @ResourceArg(name = "sasl-password", value = "worker-secret")})
class KafkaSecurityTest {

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  private WorkerClients clients;

  @BeforeEach
  void clients() {
    clients = new WorkerClients(kafka);
  }

  @AfterEach
  void close() {
    clients.close();
  }

  @Test
  void theBrokerRefusesAWrongPassword() {
    Map<String, Object> config = clients.only(AdminClientConfig.configNames());
    config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " username=\"medlora-worker\" password=\"wrong\";");
    try (Admin admin = Admin.create(config)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> admin.listTopics().names().get(30, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
    }
  }

  @Test
  void theWorkersConsumersProducersAndAdminClientAuthenticate() throws Exception {
    try (Admin admin = clients.admin()) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODEL_PUBLISHED);
      String policy = admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy").value();
      assertEquals("compact", policy, "the topic set-up reached the broker");
    }

    clients.send(Topics.TRAINING_REQUESTS, "sasl-bad", "{\"request-id\": \"sasl-bad\", \"task\": \"sasl\"}");
    List<JobEvent> seen = clients.untilTerminal("sasl-bad");
    assertInstanceOf(JobEvent.Failed.class, seen.get(0), "read the request and answered it: " + seen);

    clients.send(Topics.TRAINING_REQUESTS, "garbage", "this is not JSON");
    assertEquals("this is not JSON", clients.first(Topics.TRAINING_REQUESTS_DLQ, "garbage", Duration.ofSeconds(60)).value());
  }
}
