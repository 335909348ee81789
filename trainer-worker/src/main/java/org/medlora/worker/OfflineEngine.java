package org.medlora.worker;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** DJL must never reach a model hub: offline mode before its engine first loads. */
@ApplicationScoped
class OfflineEngine {

  void onStart(@Observes StartupEvent event) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }
}
