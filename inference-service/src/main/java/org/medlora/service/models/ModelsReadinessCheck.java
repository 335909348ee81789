package org.medlora.service.models;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.medlora.service.config.MedloraConfig;

/**
 * Ready once start-up loading is done and the required tasks
 * ({@code medlora.readiness.required-tasks}) are loaded; with none configured, once any model
 * is. Liveness stays UP meanwhile: loading is not a reason to restart the process.
 */
@Readiness
@ApplicationScoped
public class ModelsReadinessCheck implements HealthCheck {

  @Inject ModelRegistry registry;
  @Inject MedloraConfig config;

  @Override
  public HealthCheckResponse call() {
    List<String> served = registry.servedTasks();
    List<String> required = config.readiness().requiredTasks().orElse(List.of());
    List<String> missing = new ArrayList<>(required);
    missing.removeAll(served);
    boolean up = registry.initialLoadDone()
        && (required.isEmpty() ? !served.isEmpty() : missing.isEmpty());
    HealthCheckResponseBuilder b = HealthCheckResponse.named("models").status(up)
        .withData("loaded", String.join(",", served))
        .withData("startup-load-done", registry.initialLoadDone());
    if (!required.isEmpty()) {
      b.withData("required", String.join(",", required));
      b.withData("missing", String.join(",", missing));
    }
    return b.build();
  }
}
