package org.medlora.testmodels;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.medlora.contracts.Pooling;
import org.medlora.export.ExportSources;
import org.medlora.export.Precision;
import org.medlora.heads.ClassificationHead;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.SegmentationHead;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.store.ModelStore;

/**
 * Exports the service tests' models with the library's own export (what {@code bin/medlora
 * export} runs), so the tests serve exactly what the trainer publishes: the tiny DINOv2 of
 * reference fixture A (width 64, 2 blocks) at 224x224 with its reference heads,
 *
 * <ul>
 *   <li>{@code busi-tumours}: segmentation, classes background, benign, malignant;
 *   <li>{@code chest-xray}: classification (CLS + mean patch), classes normal, benign, malignant.
 * </ul>
 *
 * <p>Run by the build of this module (exec plugin, {@code process-classes}) in a JVM of its own,
 * so DJL and libtorch never share a JVM or a classpath with the service's Quarkus tests; skipped
 * when the store was exported from the same fixture and exporter code. The task names are
 * repeated in the service's {@code TestTasks}. Arguments: the fixture directory, the output
 * directory (the store goes to {@code <out>/store}).
 */
public final class TestModels {

  public static final String SEGMENTER = "busi-tumours";
  public static final String CLASSIFIER = "chest-xray";
  public static final List<String> SEG_CLASSES = List.of("background", "benign", "malignant");
  public static final List<String> CLS_CLASSES = List.of("normal", "benign", "malignant");

  private TestModels() {}

  public static void main(String[] args) throws Exception {
    Path fixture = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Path done = out.resolve("done");
    String inputs = inputsDigest(fixture);
    if (Files.exists(done) && Files.readString(done).strip().equals(inputs)) {
      System.out.println("test models already exported in " + out + " from the same fixture and exporter");
      return;
    }
    deleteTree(out); // versions are never overwritten: a new export starts from an empty store
    Path store = out.resolve("store");
    Files.createDirectories(out);
    Path segHead = out.resolve("seg-head.safetensors");
    Path clsHead = out.resolve("cls-head.safetensors");
    SafetensorsFile heads = SafetensorsFile.read(fixture.resolve("heads.safetensors"));
    try (NDManager m = NDManager.newBaseManager()) {
      SegmentationHead seg = new SegmentationHead(64, 3, 16, 16);
      seg.initialize(m, DataType.FLOAT32, new Shape(1, 64));
      seg.weight().getArray().set(heads.floatTensor("head_seg.weight").data());
      seg.bias().getArray().set(heads.floatTensor("head_seg.bias").data());
      HeadFiles.writeSegmenter(segHead, seg, SEG_CLASSES);

      ClassificationHead cls =
          new ClassificationHead(64, 3, Pooling.CLS_AND_MEAN_PATCH);
      cls.initialize(m, DataType.FLOAT32, new Shape(1, 64));
      cls.weight().getArray().set(heads.floatTensor("head_clsavg.weight").data());
      cls.bias().getArray().set(heads.floatTensor("head_clsavg.bias").data());
      HeadFiles.writeClassifier(clsHead, cls, CLS_CLASSES);
    }
    Path checkpoint = fixture.resolve("weights_meta.safetensors");
    ModelStore models = new ModelStore(store);
    for (var task : List.of(Map.entry(SEGMENTER, segHead), Map.entry(CLASSIFIER, clsHead))) {
      new ExportSources(checkpoint, null, task.getValue(), null)
          .publish(task.getKey(), 224, 224, Precision.FP32, models);
    }
    Files.writeString(done, inputs + "\n");
  }

  /**
   * SHA-256 over the fixture's files and the exporter's code (the model library's jar or classes
   * folder), so a change to either exports again without a clean build.
   */
  static String inputsDigest(Path fixture) throws IOException, URISyntaxException {
    Path exporter = Path.of(ExportSources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    MessageDigest sha = sha256();
    for (Path root : List.of(fixture, exporter)) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          sha.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
          sha.update(Files.readAllBytes(f));
        }
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
