package org.medlora.service.models;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.medlora.service.config.MedloraConfig;

/**
 * Where new versions come from. With {@code kafka.bootstrap.servers} set, the
 * {@code model-published} topic ({@link ModelPublishedListener}), and the store is checked every
 * {@code medlora.store.rescan-interval} only for serving versions that were removed; without it,
 * the store directory, scanned at start-up and every {@code medlora.store.rescan-interval}.
 *
 * <p>Start-up loading runs in the background, so liveness answers at once and readiness turns
 * UP when the models are in.
 */
@Startup
@ApplicationScoped
public class ModelSources {

  private static final Logger LOG = Logger.getLogger(ModelSources.class);

  @Inject ModelRegistry registry;
  @Inject MedloraConfig config;
  @Inject ModelPublishedListener listener;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  Optional<String> bootstrapServers;

  private ScheduledExecutorService scanner;
  private boolean kafka;

  @PostConstruct
  void start() {
    kafka = bootstrapServers.filter(s -> !s.isBlank()).isPresent();
    Duration every = config.store().rescanInterval();
    scanner = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "model-store-scanner");
      t.setDaemon(true);
      return t;
    });
    if (kafka) {
      LOG.infof("model versions come from Kafka topic %s at %s%s", config.kafka().topic(),
          bootstrapServers.get(), every.isZero() ? ""
              : "; the store is checked for removed versions every " + every);
      listener.start(bootstrapServers.get());
    } else {
      LOG.infof("kafka.bootstrap.servers is not set: model versions come from the store %s%s",
          registry.store().root(), every.isZero() ? "" : ", rescanned every " + every);
      scanner.execute(() -> {
        try {
          registry.refreshFromStore();
        } finally {
          registry.markInitialLoadDone();
        }
      });
    }
    if (!every.isZero()) {
      scanner.scheduleWithFixedDelay(this::rescan, every.toMillis(), every.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Scans the store now (also what the timer does); with Kafka, only for serving versions that
   * were removed, since new versions are announced on the topic.
   */
  public void rescan() {
    try {
      if (kafka) {
        registry.checkServingVersions();
      } else {
        registry.refreshFromStore();
      }
    } catch (RuntimeException e) {
      LOG.error("scanning the model store failed", e);
    }
  }

  @PreDestroy
  void stop() {
    if (scanner != null) {
      scanner.shutdownNow();
    }
    listener.stop();
  }
}
