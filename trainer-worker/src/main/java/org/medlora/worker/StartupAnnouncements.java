package org.medlora.worker;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import org.jboss.logging.Logger;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.ModelPublished;
import org.medlora.store.ModelStore;

/**
 * At start-up, announces the newest version of every task that a worker trained: a worker that
 * died between publishing a version and announcing it left services following Kafka without it.
 * Only the newest, as the compacted topic keeps one announcement per task and a service follows
 * the latest it reads; announcing one twice is harmless. In the background, so that a broker
 * that is away delays the announcements, not the worker.
 */
@ApplicationScoped
class StartupAnnouncements {

  private static final Logger LOG = Logger.getLogger(StartupAnnouncements.class);

  @Inject JobEvents events;
  @Inject WorkerConfig config;

  void onStart(@Observes StartupEvent event) {
    Thread announcer = new Thread(this::announceNewest, "startup-announcements");
    announcer.setDaemon(true);
    announcer.start();
  }

  private void announceNewest() {
    ModelStore store = new ModelStore(config.store().path());
    Set<String> tasks;
    try {
      tasks = store.tasks();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("the store's newest versions were not announced again at start-up: %s", e.getMessage());
      return;
    }
    for (String task : tasks) { // one damaged version must not keep the other tasks unannounced
      try {
        var versions = store.versions(task);
        ModelManifest newest = store.manifest(task, versions.get(versions.size() - 1));
        if (newest.training() != null) {
          events.announce(ModelPublished.of(newest, Instant.now(), newest.training().requestId()));
        }
      } catch (IOException | RuntimeException e) {
        LOG.warnf("task %s's newest version was not announced again at start-up: %s", task, e.getMessage());
      }
    }
  }
}
