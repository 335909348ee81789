package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A request to stop a training request, sent on {@link Topics#TRAINING_CANCELLATIONS} (key: the
 * request id). The trainer stops at the next step and publishes {@link JobEvent.Cancelled}; a
 * request that has already ended is left as it is.
 *
 * @param schemaVersion layout of this message; always {@link #SCHEMA_VERSION}
 * @param requestId the training request to stop
 * @param reason why, non-blank; kept in the {@link JobEvent.Cancelled} event for the record
 */
public record CancelRequest(
    @JsonProperty("schema-version") int schemaVersion,
    @JsonProperty("request-id") String requestId,
    String reason) {

  /** The only layout this build reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  public CancelRequest {
    if (schemaVersion != SCHEMA_VERSION) {
      throw Checks.invalid(
          "schemaVersion", "must be " + SCHEMA_VERSION + ", got " + schemaVersion);
    }
    TrainingRequest.checkRequestId(requestId);
    Checks.nonBlank("reason", reason);
  }

  /** A cancel request in the current {@link #SCHEMA_VERSION}. */
  public CancelRequest(String requestId, String reason) {
    this(SCHEMA_VERSION, requestId, reason);
  }
}
