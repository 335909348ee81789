package org.medlora.testmodels;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.medlora.cli.Medlora;
import org.medlora.contracts.Pooling;
import org.medlora.heads.ClassificationHead;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.SegmentationHead;
import org.medlora.safetensors.SafetensorsFile;
import picocli.CommandLine;

/**
 * Exports the service tests' models with the trainer's own {@code bin/medlora export}, so the
 * tests serve exactly what the trainer publishes: the tiny DINOv2 of reference fixture A (width
 * 64, 2 blocks) at 224x224 with its reference heads,
 *
 * <ul>
 *   <li>{@code busi-tumours}: segmentation, classes background, benign, malignant;
 *   <li>{@code chest-xray}: classification (CLS + mean patch), classes normal, benign, malignant.
 * </ul>
 *
 * <p>Run by the build of this module (exec plugin, {@code process-classes}) in a JVM of its own,
 * so DJL and libtorch never share a JVM or a classpath with the service's Quarkus tests; skipped
 * when the store is already there. The task names are repeated in the service's
 * {@code TestTasks}. Arguments:
 * the fixture directory, the output directory (the store goes to {@code <out>/store}).
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
    if (Files.exists(done)) {
      System.out.println("test models already exported in " + out);
      return;
    }
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
    String checkpoint = fixture.resolve("weights_meta.safetensors").toString();
    export(checkpoint, segHead, store, SEGMENTER);
    export(checkpoint, clsHead, store, CLASSIFIER);
    Files.writeString(done, "exported by " + TestModels.class.getName() + "\n");
  }

  private static void export(String checkpoint, Path head, Path store, String task) {
    int code = new CommandLine(new Medlora()).execute("export", "--checkpoint", checkpoint,
        "--head", head.toString(), "--size", "224x224", "--store", store.toString(), "--task", task);
    if (code != 0) {
      throw new IllegalStateException("bin/medlora export of " + task + " failed with code " + code);
    }
  }
}
