package org.medlora.worker;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;

/** The worker's settings under {@code medlora.*}; environment variables override them. */
@ConfigMapping(prefix = "medlora")
public interface WorkerConfig {

  Store store();

  interface Store {
    /** Root of the model store the worker publishes to (MEDLORA_STORE). */
    Path path();
  }
}
