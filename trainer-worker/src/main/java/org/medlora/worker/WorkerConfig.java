package org.medlora.worker;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;

/** The worker's settings under {@code medlora.*}; environment variables override them. */
@ConfigMapping(prefix = "medlora")
public interface WorkerConfig {

  Store store();

  Worker worker();

  interface Store {
    /** Root of the model store the worker publishes to (MEDLORA_STORE). */
    Path path();
  }

  /**
   * The only folders a request can make the worker read: whoever can write to the requests topic
   * must not be able to open, fingerprint or probe other files on the worker.
   */
  interface Worker {
    /** What requests' {@code dataset.location} resolves under (MEDLORA_WORKER_DATASET_ROOT). */
    Path datasetRoot();

    /** What requests' {@code checkpoint} resolves under (MEDLORA_WORKER_CHECKPOINT_ROOT). */
    Path checkpointRoot();
  }
}
