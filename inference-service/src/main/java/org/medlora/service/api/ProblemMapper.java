package org.medlora.service.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.service.batching.QueueFullException;
import org.medlora.service.config.MedloraConfig;
import org.medlora.service.models.ModelNotReadyException;
import org.medlora.service.models.ModelRefusedException;
import org.medlora.service.models.UnknownModelException;

/**
 * Renders every error as RFC 9457 {@code application/problem+json}. Client mistakes get their
 * 4xx with a message that says what to change; only a fault of the service itself is a 500,
 * logged with an id that the response repeats (and without request contents). A request whose
 * client has gone, or that the HTTP layer has answered already, is logged at DEBUG only.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

  /** What the image endpoints accept, listed in 415 responses. */
  static final List<String> ACCEPTED_TYPES =
      List.of("image/png", "image/jpeg", "application/dicom", "application/octet-stream",
          "multipart/form-data");

  @Context UriInfo uriInfo;

  @Inject MedloraConfig config;
  @Inject CurrentVertxRequest currentRequest;

  @Override
  public Response toResponse(Throwable e) {
    String instance = instance();
    if (e instanceof ProblemException p) {
      Problem problem = p.problem();
      if (problem.instance() == null) {
        problem = new Problem(problem.type(), problem.title(), problem.status(), problem.detail(),
            instance, problem.extensions());
      }
      return problem.toResponse().build();
    }
    if (e instanceof UnsupportedImageException u) {
      return image(u, instance).toResponse().build();
    }
    if (e instanceof UnknownModelException) {
      return Problem.of("unknown-model", "Unknown model", 404, e.getMessage(), instance)
          .toResponse().build();
    }
    if (e instanceof ModelRefusedException) {
      return Problem.of("model-refused", "Model version refused", 404, e.getMessage(), instance)
          .toResponse().build();
    }
    if (e instanceof ModelNotReadyException) {
      return unavailable(Problem.of("model-not-ready", "Model not ready", 503, e.getMessage(),
          instance));
    }
    if (e instanceof QueueFullException) {
      return unavailable(Problem.of("overloaded", "Too many requests queued", 503,
          e.getMessage(), instance));
    }
    if (e instanceof NotSupportedException) {
      return Problem.of("unsupported-media-type", "Unsupported media type", 415,
              "this endpoint accepts " + ACCEPTED_TYPES + "; send the image as the raw body with"
                  + " Content-Type image/png, image/jpeg or application/dicom, or as the multipart"
                  + " part 'image'",
              instance)
          .with("accepted", ACCEPTED_TYPES)
          .toResponse().build();
    }
    if (e instanceof WebApplicationException w) {
      Response r = w.getResponse();
      int status = r.getStatus();
      String detail = switch (status) {
        case 404 -> "no such resource; the API is under /v1 (GET /v1/models lists the models)";
        case 405 -> "method not allowed here" + allowed(w);
        case 406 -> "cannot produce a representation the Accept header allows";
        default -> w.getMessage();
      };
      Response.ResponseBuilder b = Problem.http(status, detail, instance).toResponse();
      if (e instanceof NotAllowedException) {
        b.allow(r.getAllowedMethods());
      }
      return b.build();
    }
    if (e instanceof JsonProcessingException || e instanceof IllegalArgumentException) {
      // Bad parameters the framework could not bind, or a value our code refused.
      return Problem.http(400, e.getMessage(), instance).toResponse().build();
    }
    HttpServerResponse response = currentRequest.getCurrent() == null ? null
        : currentRequest.getCurrent().response();
    if (response != null && (response.ended() || response.closed())) {
      // Nobody to answer: a client that hung up mid-upload, or a body the HTTP layer cut off
      // and answered itself. Routine, not a fault of the service.
      LOG.debugf("%s not answered: %s (%s)", instance, response.ended()
          ? "the HTTP layer already answered " + response.getStatusCode()
          : "the client closed the connection before the request was read", e);
      return Response.status(response.ended() ? response.getStatusCode() : 400).build();
    }
    String id = UUID.randomUUID().toString();
    LOG.errorf(e, "internal error %s on %s", id, instance);
    return Problem.of("internal-error", "Internal server error", 500,
            "the service failed to answer; quote error id " + id + " when reporting it", instance)
        .with("error-id", id)
        .toResponse().build();
  }

  private static String allowed(WebApplicationException w) {
    var methods = w.getResponse().getAllowedMethods();
    return methods == null || methods.isEmpty() ? "" : "; allowed: " + methods;
  }

  private Problem image(UnsupportedImageException u, String instance) {
    return switch (u.reason()) {
      case UNSUPPORTED_FORMAT -> Problem.of("unsupported-image", "Unsupported image format", 415,
          u.getMessage(), instance)
          .with("accepted", List.of("image/png", "image/jpeg", "application/dicom"));
      case CORRUPT -> Problem.of("corrupt-image", "Undecodable image", 400, u.getMessage(),
          instance);
      case TOO_LARGE -> Problem.imageTooLarge(u.getMessage(), instance, config.images());
    };
  }

  private Response unavailable(Problem p) {
    long seconds = Math.max(1, (config.batching().retryAfter().toMillis() + 999) / 1000);
    return p.with("retry-after-seconds", seconds).toResponse()
        .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
        .build();
  }

  private String instance() {
    try {
      return uriInfo == null ? null : "/" + uriInfo.getPath().replaceFirst("^/", "");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
