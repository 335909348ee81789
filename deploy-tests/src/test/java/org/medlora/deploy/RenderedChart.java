package org.medlora.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart rendered by {@code helm template} (helm-java) with one values file of
 * {@code helm/medlora/ci/}, each document parsed into fabric8's typed Kubernetes model. Parsing is
 * strict: a kind the model does not know, or a field its class does not have (which fabric8 would
 * keep aside in {@code additionalProperties}), fails.
 */
record RenderedChart(String valuesFile, List<HasMetadata> resources) {

  static final String RELEASE = "radiology";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static RenderedChart render(String ciValuesFile) {
    Path values = Repository.chart().resolve("ci").resolve(ciValuesFile);
    String yaml = new Helm(Repository.chart()).template()
        .withName(RELEASE).withNamespace("imaging").withValuesFile(values).call();
    List<HasMetadata> resources = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
        continue;
      }
      resources.add(parse(document, ciValuesFile));
    }
    return new RenderedChart(ciValuesFile, List.copyOf(resources));
  }

  /** One YAML document as its typed class; fails on an unknown kind or field. */
  static HasMetadata parse(String document, String source) {
    Object parsed = SERIALIZATION.unmarshal(document);
    assertTrue(parsed instanceof HasMetadata && !(parsed instanceof GenericKubernetesResource),
        () -> source + ": a document of a kind the typed model does not know:\n" + document);
    HasMetadata resource = (HasMetadata) parsed;
    assertNoUnknownFields(resource, source + ": " + resource.getKind() + " " + resource.getMetadata().getName());
    return resource;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T one(Class<T> type, String nameSuffix) {
    List<T> matches = all(type).stream()
        .filter(r -> r.getMetadata().getName().endsWith(nameSuffix)).toList();
    assertTrue(matches.size() == 1,
        () -> valuesFile + ": expected one " + type.getSimpleName() + " named *" + nameSuffix + ", got " + matches.size());
    return matches.get(0);
  }

  Deployment service() {
    return one(Deployment.class, "-service");
  }

  Deployment worker() {
    return one(Deployment.class, "-worker");
  }

  static Container container(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** Every fabric8 model object reachable from {@code value} keeps nothing it could not map. */
  private static void assertNoUnknownFields(Object value, String where) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        assertNoUnknownFields(list.get(i), where + "[" + i + "]");
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> assertNoUnknownFields(v, where + "." + k));
      return;
    }
    if (!(value instanceof KubernetesResource) && (value == null || !value.getClass().getName().startsWith("io.fabric8."))) {
      return;
    }
    try {
      for (PropertyDescriptor p : Introspector.getBeanInfo(value.getClass(), Object.class).getPropertyDescriptors()) {
        if (p.getReadMethod() == null) {
          continue;
        }
        Object child = p.getReadMethod().invoke(value);
        if (p.getName().equals("additionalProperties")) {
          assertTrue(child == null || ((Map<?, ?>) child).isEmpty(),
              () -> "unknown field(s) " + ((Map<?, ?>) child).keySet() + " at " + where);
        } else {
          assertNoUnknownFields(child, where + "." + p.getName());
        }
      }
    } catch (IntrospectionException | IllegalAccessException | InvocationTargetException e) {
      throw new AssertionError("cannot inspect " + where + ": " + e, e);
    }
  }

  /** The values files of helm/medlora/ci/, chart-testing's convention: each is rendered and checked. */
  static List<String> ciValuesFiles() throws IOException {
    try (Stream<Path> files = Files.list(Repository.chart().resolve("ci"))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
  }
}
