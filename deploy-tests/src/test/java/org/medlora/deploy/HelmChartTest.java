package org.medlora.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** helm/medlora: linted, rendered for each values file of ci/, and what each renders. */
class HelmChartTest {

  private static final String CI_VALUES = "org.medlora.deploy.RenderedChart#ciValuesFiles";

  @Test
  void lintsCleanWithItsDefaultValues() {
    LintResult result = new Helm(Repository.chart()).lint().strict().call();
    assertFalse(result.isFailed(), () -> "helm lint --strict: " + result.getMessages());
  }

  @ParameterizedTest
  @MethodSource(CI_VALUES)
  void everyPodRunsNonRootOnAReadOnlyRootWithNoCapabilities(String valuesFile) {
    RenderedChart chart = RenderedChart.render(valuesFile);
    List<PodSpec> pods = new java.util.ArrayList<>(chart.all(Deployment.class).stream()
        .map(d -> d.getSpec().getTemplate().getSpec()).toList());
    chart.all(Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
    assertEquals(valuesFile.startsWith("ingress") ? 3 : 2, pods.size());
    for (PodSpec pod : pods) {
      assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
      assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
      for (Container c : pod.getContainers()) {
        assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), c.getName());
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), c.getName());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), c.getName());
        // With a read-only root, every place the application writes is a volume.
        assertTrue(mountPath(c, "/tmp").isPresent(), c.getName() + " has no writable /tmp");
      }
    }
  }

  @ParameterizedTest
  @MethodSource(CI_VALUES)
  void theStoreIsReadWriteInTheWorkerAndReadOnlyInTheService(String valuesFile) {
    RenderedChart chart = RenderedChart.render(valuesFile);
    VolumeMount serviceMount = mountPath(RenderedChart.container(chart.service()), "/var/lib/medlora/store").orElseThrow();
    VolumeMount workerMount = mountPath(RenderedChart.container(chart.worker()), "/var/lib/medlora/store").orElseThrow();
    assertEquals(Boolean.TRUE, serviceMount.getReadOnly());
    assertTrue(workerMount.getReadOnly() == null || !workerMount.getReadOnly());
    String claim = volume(chart.service(), serviceMount.getName()).getPersistentVolumeClaim().getClaimName();
    assertEquals(claim, volume(chart.worker(), workerMount.getName()).getPersistentVolumeClaim().getClaimName());
    if (valuesFile.startsWith("existing-claim")) {
      assertEquals("medlora-models", claim);
      assertTrue(chart.all(PersistentVolumeClaim.class).isEmpty(), "an existing claim must not be created");
      assertTrue(chart.all(Secret.class).isEmpty(), "an existing Secret must not be created");
      assertEquals("radiology-datasets",
          volume(chart.worker(), "datasets").getPersistentVolumeClaim().getClaimName());
    } else {
      PersistentVolumeClaim pvc = chart.one(PersistentVolumeClaim.class, "-store");
      assertEquals(claim, pvc.getMetadata().getName());
      assertEquals(List.of("ReadWriteMany"), pvc.getSpec().getAccessModes());
      assertEquals("keep", pvc.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
    }
  }

  @Test
  void apiKeysComeFromTheSecretTheChartCreates() {
    RenderedChart chart = RenderedChart.render("default-values.yaml");
    Secret secret = chart.one(Secret.class, "-auth");
    assertEquals("ci-key-0123456789abcdef", secret.getStringData().get("api-keys"));
    EnvVar keys = env(chart.service(), "MEDLORA_AUTH_API_KEYS");
    assertEquals(secret.getMetadata().getName(), keys.getValueFrom().getSecretKeyRef().getName());
    assertEquals("api-keys", keys.getValueFrom().getSecretKeyRef().getKey());
    assertTrue(RenderedChart.container(chart.worker()).getEnv().stream()
        .noneMatch(e -> e.getName().startsWith("MEDLORA_AUTH")), "the worker gets no API keys");
  }

  @Test
  void gpuValuesScheduleOnGpusAndSwitchTheExecutionProvider() {
    RenderedChart cpu = RenderedChart.render("default-values.yaml");
    RenderedChart gpu = RenderedChart.render("gpu-values.yaml");
    assertEquals("cpu", env(cpu.service(), "MEDLORA_ONNX_EXECUTION_PROVIDER").getValue());
    assertEquals("cuda", env(gpu.service(), "MEDLORA_ONNX_EXECUTION_PROVIDER").getValue());
    for (Deployment d : List.of(gpu.service(), gpu.worker())) {
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      assertEquals(new Quantity("1"), RenderedChart.container(d).getResources().getLimits().get("nvidia.com/gpu"));
      assertEquals("nvidia", pod.getRuntimeClassName());
      assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"));
      assertEquals("nvidia.com/gpu", pod.getTolerations().get(0).getKey());
      assertTrue(RenderedChart.container(d).getImage().endsWith("-gpu"), RenderedChart.container(d).getImage());
    }
    for (Deployment d : List.of(cpu.service(), cpu.worker())) {
      assertNull(RenderedChart.container(d).getResources().getLimits().get("nvidia.com/gpu"));
      assertNull(d.getSpec().getTemplate().getSpec().getRuntimeClassName());
    }
  }

  @Test
  void ingressValuesAddIngressAutoscalerPoliciesMonitorAndTopicJob() {
    RenderedChart chart = RenderedChart.render("ingress-values.yaml");
    Ingress ingress = chart.one(Ingress.class, "-service");
    assertEquals("medlora.hospital.example", ingress.getSpec().getRules().get(0).getHost());
    assertEquals("medlora-tls", ingress.getSpec().getTls().get(0).getSecretName());
    assertEquals(chart.one(io.fabric8.kubernetes.api.model.Service.class, "-service").getMetadata().getName(),
        ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName());
    HorizontalPodAutoscaler hpa = chart.one(HorizontalPodAutoscaler.class, "-service");
    assertEquals(chart.service().getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
    assertNull(chart.service().getSpec().getReplicas(), "with an autoscaler the Deployment leaves replicas to it");
    assertEquals(2, chart.all(NetworkPolicy.class).size());
    assertEquals("/q/metrics", chart.one(ServiceMonitor.class, "-service").getSpec().getEndpoints().get(0).getPath());
    chart.one(PodDisruptionBudget.class, "-service");
    // JWT: the public key from the Secret, mounted where the location points.
    assertEquals("/etc/medlora/jwt/jwt-public-key.pem",
        env(chart.service(), "MP_JWT_VERIFY_PUBLICKEY_LOCATION").getValue());
    assertTrue(mountPath(RenderedChart.container(chart.service()), "/etc/medlora/jwt").isPresent());
    assertTrue(chart.one(Secret.class, "-auth").getStringData().get("jwt-public-key.pem").startsWith("-----BEGIN PUBLIC KEY-----"));
  }

  @Test
  void theTopicJobCreatesModelPublishedCompactedAndTheOthersWithDelete() {
    Job job = RenderedChart.render("ingress-values.yaml").one(Job.class, "-topics-1");
    String script = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().get(0);
    for (String topic : List.of("training-requests", "training-requests-dlq", "training-events", "training-cancellations")) {
      assertTrue(script.contains("create " + topic + " delete\n"), topic);
    }
    assertTrue(script.contains("create model-published compact\n"));
    assertTrue(RenderedChart.render("default-values.yaml").all(Job.class).isEmpty(), "topics are created only when asked");
  }

  @Test
  void badValuesAreRefusedByTheSchemaNamingTheField(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "service:\n  replicas: 0\nstore:\n  accessMode: ReadWriteSometimes\n");
    Exception e = assertThrows(IllegalStateException.class,
        () -> new Helm(Repository.chart()).template().withValuesFile(bad).call());
    assertTrue(e.getMessage().contains("replicas") && e.getMessage().contains("accessMode"), e.getMessage());
    Path typo = Files.writeString(dir.resolve("typo.yaml"), "servce:\n  replicas: 2\n");
    Exception t = assertThrows(IllegalStateException.class,
        () -> new Helm(Repository.chart()).template().withValuesFile(typo).call());
    assertTrue(t.getMessage().contains("servce"), t.getMessage());
  }

  @Test
  void parsingIsStrict() {
    String service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: 80\n";
    RenderedChart.parse(service, "a valid Service");
    AssertionError field = assertThrows(AssertionError.class,
        () -> RenderedChart.parse(service + "      targetPortt: http\n", "a typo"));
    assertTrue(field.getMessage().contains("targetPortt"), field.getMessage());
    AssertionError kind = assertThrows(AssertionError.class,
        () -> RenderedChart.parse("apiVersion: example.org/v1\nkind: Widget\nmetadata:\n  name: w\n", "a CRD"));
    assertTrue(kind.getMessage().contains("does not know"), kind.getMessage());
  }

  static EnvVar env(Deployment deployment, String name) {
    return RenderedChart.container(deployment).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " does not set " + name));
  }

  private static Optional<VolumeMount> mountPath(Container c, String path) {
    return c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst();
  }

  private static Volume volume(Deployment d, String name) {
    return d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no volume " + name));
  }
}
