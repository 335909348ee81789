package org.medlora.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.smallrye.jwt.config.JWTAuthContextInfoProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.medlora.service.config.MedloraConfig;
import org.medlora.worker.WorkerConfig;

/**
 * The chart configures the applications as they are: every environment variable it sets is one
 * the application reads, its probes hit Quarkus' health endpoints on the application's port, and
 * its images are those docker/build.sh builds.
 */
class ChartMatchesApplicationsTest {

  private static final String CI_VALUES = "org.medlora.deploy.RenderedChart#ciValuesFiles";

  private static final AppConfiguration SERVICE =
      AppConfiguration.of(MedloraConfig.class, "medlora", JWTAuthContextInfoProvider.class);
  private static final AppConfiguration WORKER = AppConfiguration.of(WorkerConfig.class, "medlora");

  /** Quarkus SmallRye Health's endpoints under the default non-application root. */
  private static final Set<String> HEALTH_PATHS = Set.of("/q/health/started", "/q/health/live", "/q/health/ready");

  @Test
  void theCheckRefusesAVariableNoApplicationReads() {
    assertTrue(SERVICE.reads("MEDLORA_BATCHING_MAX_BATCH_SIZE"));
    assertTrue(SERVICE.reads("MEDLORA_AUTH_JWT_ENABLED"));
    assertTrue(SERVICE.reads("MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
    assertTrue(WORKER.reads("MP_MESSAGING_INCOMING_TRAINING_REQUESTS_GROUP_ID"));
    assertTrue(!SERVICE.reads("MEDLORA_BATCHING_MAX_BATCH") && !SERVICE.reads("MEDLORA_WORKER_DATASET_ROOT"));
    assertTrue(!WORKER.reads("MEDLORA_AUTH_API_KEYS"));
  }

  @ParameterizedTest
  @MethodSource(CI_VALUES)
  void everyVariableIsReadByItsApplicationAndProbesHitQuarkusHealthOnItsPort(String valuesFile) {
    RenderedChart chart = RenderedChart.render(valuesFile);
    assertReadsAll(SERVICE, chart.service());
    assertReadsAll(WORKER, chart.worker());
    assertProbes(SERVICE, chart.service());
    assertProbes(WORKER, chart.worker());
    for (AppConfiguration app : List.of(SERVICE, WORKER)) {
      assertTrue(app.properties().stringPropertyNames().stream()
          .noneMatch(k -> k.startsWith("quarkus.smallrye-health.") || k.startsWith("quarkus.http.non-application-root-path")),
          "an application moved its health endpoints; update the chart's probes");
    }
    chart.all(ServiceMonitor.class).forEach(monitor -> assertEquals(
        SERVICE.properties().getProperty("quarkus.micrometer.export.prometheus.path"),
        monitor.getSpec().getEndpoints().get(0).getPath()));
  }

  @Test
  void imagesAreThoseDockerBuildBuildsTaggedWithTheProjectVersion() throws Exception {
    RenderedChart cpu = RenderedChart.render("default-values.yaml");
    RenderedChart gpu = RenderedChart.render("gpu-values.yaml");
    assertEquals(buildScriptImages(), List.of(
        RenderedChart.container(cpu.service()).getImage(), RenderedChart.container(cpu.worker()).getImage()));
    assertEquals(buildScriptImages("--gpu"), List.of(
        RenderedChart.container(gpu.service()).getImage(), RenderedChart.container(gpu.worker()).getImage()));
    Matcher appVersion = Pattern.compile("(?m)^appVersion: \"(.+)\"$")
        .matcher(Files.readString(Repository.chart().resolve("Chart.yaml")));
    assertTrue(appVersion.find());
    assertEquals(System.getProperty("project.version"), appVersion.group(1), "Chart.yaml appVersion");
  }

  private static void assertReadsAll(AppConfiguration app, Deployment deployment) {
    for (EnvVar env : RenderedChart.container(deployment).getEnv()) {
      assertTrue(app.reads(env.getName()), () -> deployment.getMetadata().getName() + " sets " + env.getName()
          + ", which the application does not read (not in its config mapping or application.properties)");
    }
  }

  private static void assertProbes(AppConfiguration app, Deployment deployment) {
    Container c = RenderedChart.container(deployment);
    ContainerPort http = c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow();
    assertEquals(app.httpPort(), http.getContainerPort(), deployment.getMetadata().getName() + " port");
    for (Probe probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
      assertTrue(HEALTH_PATHS.contains(probe.getHttpGet().getPath()), probe.getHttpGet().getPath());
      assertEquals("http", probe.getHttpGet().getPort().getStrVal());
    }
    assertEquals("/q/health/ready", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/q/health/live", c.getLivenessProbe().getHttpGet().getPath());
  }

  private static List<String> buildScriptImages(String... options) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Repository.root().resolve("docker/build.sh").toString(), "--print-images"));
    command.addAll(List.of(options));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    return out.lines().toList();
  }
}
