package org.medlora.service.api;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.medlora.service.config.MedloraConfig;

/**
 * Requires credentials on the {@code /v1} API when {@code medlora.auth.enabled}: an API key in
 * {@code medlora.auth.api-key-header}, or, with {@code medlora.auth.jwt.enabled}, an
 * {@code Authorization: Bearer} JWT that verifies against the {@code mp.jwt.verify.*} key,
 * issuer and audience. Health ({@code /q/health}), metrics, the OpenAPI document and the
 * console's page and assets are outside {@code /v1} and stay open. Refusals are 401 problem+json with a {@code WWW-Authenticate}
 * challenge; keys and tokens are never logged.
 */
public class AuthFilter {

  private static final Logger LOG = Logger.getLogger(AuthFilter.class);

  @Inject MedloraConfig config;
  @Inject Instance<JWTParser> jwtParser;

  /** SHA-256 digests of the configured keys: compared in constant time, never as strings. */
  private List<byte[]> keyDigests;

  @PostConstruct
  void init() {
    keyDigests = new ArrayList<>();
    for (String key : config.auth().apiKeys().orElse(Set.of())) {
      if (!key.isBlank()) {
        keyDigests.add(sha256(key));
      }
    }
    if (config.auth().enabled() && keyDigests.isEmpty() && !config.auth().jwtEnabled()) {
      LOG.warn("medlora.auth.enabled is true but neither medlora.auth.api-keys nor"
          + " medlora.auth.jwt.enabled is set: every /v1 request will be refused with 401");
    }
  }

  @ServerRequestFilter(priority = 1000)
  public Response authenticate(ContainerRequestContext request) {
    if (!config.auth().enabled() || !request.getUriInfo().getPath().startsWith("/v1")) {
      return null;
    }
    String key = request.getHeaderString(config.auth().apiKeyHeader());
    if (key != null) {
      return validKey(key) ? null : refuse(request, "the API key in header "
          + config.auth().apiKeyHeader() + " is not valid");
    }
    String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      if (!config.auth().jwtEnabled()) {
        return refuse(request, "bearer tokens are not accepted here (medlora.auth.jwt.enabled is"
            + " false); send an API key in header " + config.auth().apiKeyHeader());
      }
      try {
        jwtParser.get().parse(authorization.substring(7).trim());
        return null;
      } catch (ParseException e) {
        return refuse(request, "the bearer token did not verify (signature, expiry, issuer or"
            + " audience); obtain a fresh token");
      }
    }
    return refuse(request, "credentials required: send an API key in header "
        + config.auth().apiKeyHeader()
        + (config.auth().jwtEnabled() ? " or a JWT as Authorization: Bearer <token>" : ""));
  }

  private boolean validKey(String key) {
    byte[] digest = sha256(key);
    boolean ok = false;
    for (byte[] d : keyDigests) {
      ok |= MessageDigest.isEqual(d, digest);
    }
    return ok;
  }

  private Response refuse(ContainerRequestContext request, String detail) {
    String challenge = config.auth().jwtEnabled()
        ? "Bearer realm=\"medlora\", ApiKey header=\"" + config.auth().apiKeyHeader() + "\""
        : "ApiKey header=\"" + config.auth().apiKeyHeader() + "\"";
    return Problem.of("unauthorized", "Unauthorized", 401, detail,
            "/" + request.getUriInfo().getPath().replaceFirst("^/", ""))
        .toResponse()
        .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
        .build();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
