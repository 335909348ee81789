package org.medlora.service.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A fresh model store per test class, holding copies of the exported test models named in the
 * init argument {@code tasks} (comma-separated; empty for an empty store). Returns
 * {@code medlora.store.path}.
 */
public class ModelStoreResource implements QuarkusTestResourceLifecycleManager {

  private String tasks = "";
  private Path root;

  /** Where module test-models exported the models (set by the build for Surefire). */
  public static Path templateStore() {
    String dir = System.getProperty("test.models.dir", "../test-models/target/test-models");
    Path store = Path.of(dir, "store");
    if (!Files.isDirectory(store)) {
      throw new IllegalStateException(store + " is missing: module test-models exports them"
          + " (TestModels); build with ./mvnw -pl inference-service -am verify");
    }
    return store;
  }

  @Override
  public void init(Map<String, String> initArgs) {
    tasks = initArgs.getOrDefault("tasks", "");
  }

  @Override
  public Map<String, String> start() {
    try {
      root = Files.createTempDirectory("medlora-store-");
      for (String task : tasks.split(",")) {
        if (!task.isBlank()) {
          copyTree(templateStore().resolve(task.trim()), root.resolve(task.trim()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("medlora.store.path", root.toString());
  }

  @Override
  public void stop() {
    if (root == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
