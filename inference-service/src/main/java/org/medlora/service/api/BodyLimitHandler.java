package org.medlora.service.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.medlora.service.config.MedloraConfig;

/**
 * Answers a request whose {@code Content-Length} exceeds {@code quarkus.http.limits.max-body-size}
 * with a 413 problem+json. Quarkus checks the same limit in a route of order -2 and answers with
 * an empty 413 before any JAX-RS code (and so {@link ProblemMapper}) runs; this route comes first.
 * The body is not read: the connection is closed after the answer, as Quarkus does, so a client
 * that sends {@code Expect: 100-continue} never uploads it. A chunked body without a length that
 * grows past the limit is still cut off by Quarkus with its plain 413.
 */
@ApplicationScoped
public class BodyLimitHandler {

  /** Before Quarkus' own limit check (order -2). */
  static final int ORDER = -3;

  @Inject MedloraConfig config;
  @Inject ObjectMapper json;

  @ConfigProperty(name = "quarkus.http.limits.max-body-size")
  Optional<MemorySize> maxBodySize;

  void install(@Observes Router router) {
    maxBodySize.ifPresent(limit -> router.route().order(ORDER).handler(rc -> check(rc, limit)));
  }

  private void check(RoutingContext rc, MemorySize limit) {
    long declared;
    try {
      String header = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
      declared = header == null ? -1 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      declared = -1; // not ours to judge; the HTTP layer refuses a malformed length
    }
    if (declared <= limit.asLongValue()) {
      rc.next();
      return;
    }
    Problem problem = Problem.imageTooLarge("the request body is " + declared + " bytes, above the service's limit of "
        + limit.asLongValue() + " bytes; send an image of at most " + config.images().maxBytes() + " bytes",
        rc.request().path(), config.images());
    String body;
    try {
      body = json.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a problem always serializes", e);
    }
    rc.response()
        .setStatusCode(413)
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        // The unread body is never wanted: close rather than wait for (or drain) it.
        .endHandler(ended -> rc.request().connection().close())
        .end(body);
  }
}
