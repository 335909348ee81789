package org.medlora.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

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

    /**
     * How long a terminal event, an announcement or an acknowledgement is retried while the
     * broker is away (MEDLORA_WORKER_DELIVERY_DEADLINE, e.g. {@code 30M}); after that the worker
     * exits so that its requests are delivered again rather than acknowledged without an answer.
     */
    @WithDefault("30M")
    Duration deliveryDeadline();

    /**
     * Partitions of {@code training-requests} when the worker creates it: at most this many
     * workers share the requests (MEDLORA_WORKER_REQUEST_PARTITIONS).
     */
    @WithDefault("12")
    int requestPartitions();
  }
}
