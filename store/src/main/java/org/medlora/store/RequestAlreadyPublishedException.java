package org.medlora.store;

import java.io.IOException;
import org.medlora.contracts.ModelManifest;

/**
 * A store that publishes once per request ({@link ModelStore#oncePerRequest}) already holds a
 * version for this request id: another attempt, here or on another worker, published first. The
 * loser's model was discarded; {@link #published()} is the winner's, the request's answer.
 */
public final class RequestAlreadyPublishedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient ModelManifest published;

  RequestAlreadyPublishedException(ModelManifest published) {
    super("request " + published.training().requestId() + " already produced " + published.task()
        + " version " + published.version() + "; this attempt's model was discarded");
    this.published = published;
  }

  /** The manifest of the version the request produced. */
  public ModelManifest published() {
    return published;
  }
}
