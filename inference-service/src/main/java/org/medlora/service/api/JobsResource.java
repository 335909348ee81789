package org.medlora.service.api;

import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.medlora.contracts.MessageCodec;
import org.medlora.service.jobs.TrainingEventFeed;

/** The training jobs on Kafka, as server-sent events for the console and other clients. */
@Path("/v1/jobs")
@SecurityRequirement(name = "api-key")
@SecurityRequirement(name = "jwt")
public class JobsResource {

  @Inject TrainingEventFeed jobs;

  @GET
  @Path("/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Tag(name = "jobs")
  @Operation(summary = "Training jobs as server-sent events",
      description = "First the newest event of every running job, then each event of topic"
          + " training-events as it arrives; every event's data is the job event's JSON as on"
          + " Kafka (accepted, progress, completed, failed or cancelled).")
  @APIResponse(responseCode = "404", description = "The service does not follow Kafka")
  public Multi<String> events() {
    if (!jobs.following()) {
      throw new ProblemException(Problem.http(404, "this service does not follow Kafka"
          + " (kafka.bootstrap.servers is not set), so it sees no training jobs", null));
    }
    return jobs.events().map(MessageCodec::toJson);
  }
}
