package org.medlora.service.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medlora.service.config.MedloraConfig;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json} for every error.
 *
 * @param type a URI naming the kind of problem; {@code about:blank} for plain HTTP errors
 * @param title a short summary of the kind, the same for every occurrence
 * @param status the HTTP status
 * @param detail what went wrong this time and what to do about it
 * @param instance the request path
 * @param extensions further members, e.g. {@code accepted} media types
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "instance"})
public record Problem(String type, String title, int status, String detail, String instance,
    @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** Prefix of the problem types defined here: {@code urn:medlora:problem:<name>}. */
  public static final String TYPE_PREFIX = "urn:medlora:problem:";

  public Problem {
    extensions = extensions == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(extensions));
  }

  /** A problem of a kind this service defines. */
  public static Problem of(String name, String title, int status, String detail, String instance) {
    return new Problem(TYPE_PREFIX + name, title, status, detail, instance, Map.of());
  }

  /** An image above the service's limits (413), naming both so the client knows what fits. */
  public static Problem imageTooLarge(String detail, String instance, MedloraConfig.Images limits) {
    return of("image-too-large", "Image too large", 413, detail, instance)
        .with("max-bytes", limits.maxBytes())
        .with("max-pixels", limits.maxPixels());
  }

  /** A plain HTTP error: type about:blank, title the status's reason phrase. */
  public static Problem http(int status, String detail, String instance) {
    Response.StatusType s = Response.Status.fromStatusCode(status);
    String title = s == null ? "HTTP " + status : s.getReasonPhrase();
    return new Problem("about:blank", title, status, detail, instance, Map.of());
  }

  public Problem with(String member, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.put(member, value);
    return new Problem(type, title, status, detail, instance, more);
  }

  @JsonAnyGetter
  Map<String, Object> anyGetter() {
    return extensions;
  }

  /** The response carrying this problem. */
  public Response.ResponseBuilder toResponse() {
    return Response.status(status).type(MEDIA_TYPE).entity(this);
  }
}
