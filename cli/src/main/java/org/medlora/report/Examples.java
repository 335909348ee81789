package org.medlora.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.io.FileUtils;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.contracts.TrainingRequest;
import org.medlora.data.Augmentation;
import org.medlora.data.DatasetReader;
import org.medlora.data.Example;
import org.medlora.data.ExampleLoader;
import org.medlora.data.Sample;
import org.medlora.data.Split;
import org.medlora.export.ExportParityException;
import org.medlora.export.ExportSources;
import org.medlora.export.OrtModel;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * The paper's example figures of one task, from the exported models run in ONNX Runtime on the
 * first validation images of the split each model was trained and validated on: predictions beside
 * the ground truth for every method (its Fig. 3), and the linear patch head against the decoder
 * trained on it (its Fig. 4). They need the data set, and Fig. 4 the base checkpoint (to export
 * the version's kept head without its decoder), found as the training request names them under
 * the given roots; without them the figure is left out with a note.
 */
final class Examples {

  private final ModelStore store;
  private final Path datasetRoot;
  private final Path checkpointRoot;
  private final int count;
  private final ExampleLoader loader = new ExampleLoader();

  /**
   * @param datasetRoot where requests' {@code dataset.location}s are resolved
   * @param checkpointRoot where requests' {@code checkpoint}s are resolved
   * @param count how many validation images each figure shows
   */
  Examples(ModelStore store, Path datasetRoot, Path checkpointRoot, int count) {
    this.store = store;
    this.datasetRoot = datasetRoot;
    this.checkpointRoot = checkpointRoot;
    this.count = count;
  }

  /** Fig. 3: every method's prediction beside the ground truth; null (with a note) without data. */
  Path predictions(TaskComparison t, Path dir, List<String> notes) throws IOException {
    List<Sample> samples = validationSamples(t, notes, "Fig. 3");
    if (samples == null) {
      return null;
    }
    List<String> headers = new ArrayList<>(List.of("image", "ground truth"));
    List<List<Tile>> columns = new ArrayList<>();
    ModelManifest first = t.versions().get(0);
    columns.add(samples.stream().map(s -> Tile.image(load(s, first.preprocessing()), first.preprocessing())).toList());
    columns.add(samples.stream().map(s -> Tile.truth(load(s, first.preprocessing()), first.preprocessing(), first.classNames())).toList());
    for (ModelManifest m : t.versions()) {
      headers.add(TaskComparison.methodLabel(m) + (hasDecoder(t, m) ? " + decoder" : ""));
      columns.add(predict(store.open(m.task(), m.version()), samples));
    }
    return Tile.grid(headers, columns, legend(first), dir.resolve("fig3-" + t.task() + ".png"));
  }

  /**
   * Fig. 4: for each version that trained a decoder, its linear patch head alone (exported again
   * from the head the version keeps) beside the head with the decoder; null (with a note) when no
   * version has one or the data or checkpoint is missing.
   */
  Path headVersusDecoder(TaskComparison t, Path dir, List<String> notes) throws IOException, ExportParityException {
    List<ModelManifest> decoded = t.versions().stream().filter(m -> hasDecoder(t, m)).toList();
    if (decoded.isEmpty()) {
      return null;
    }
    List<Sample> samples = validationSamples(t, notes, "Fig. 4");
    if (samples == null) {
      return null;
    }
    ModelManifest first = decoded.get(0);
    List<String> headers = new ArrayList<>(List.of("image", "ground truth"));
    List<List<Tile>> columns = new ArrayList<>();
    columns.add(samples.stream().map(s -> Tile.image(load(s, first.preprocessing()), first.preprocessing())).toList());
    columns.add(samples.stream().map(s -> Tile.truth(load(s, first.preprocessing()), first.preprocessing(), first.classNames())).toList());
    Path scratch = Files.createTempDirectory("medlora-report-");
    try {
      for (ModelManifest m : decoded) {
        Path checkpoint = checkpointRoot.resolve(m.training().checkpoint());
        if (!Files.isRegularFile(checkpoint)) {
          notes.add("Fig. 4 leaves out version " + m.version() + ": its checkpoint " + checkpoint
              + " is not there (pass --checkpoint-root)");
          continue;
        }
        PublishedModel version = store.open(m.task(), m.version());
        ExportSources parts = ExportSources.ofVersion(version.directory(), checkpoint);
        PublishedModel headOnly = new ExportSources(checkpoint, parts.adapter(), parts.head(), null, parts.backbone())
            .publish(m.task(), m.preprocessing().height(), m.preprocessing().width(), ExportPrecision.FP32,
                new ModelStore(scratch));
        String label = TaskComparison.methodLabel(m);
        headers.add(label + ": linear head");
        columns.add(predict(headOnly, samples));
        headers.add(label + ": + decoder");
        columns.add(predict(version, samples));
      }
    } finally {
      FileUtils.deleteDirectory(scratch.toFile());
    }
    return columns.size() == 2 ? null
        : Tile.grid(headers, columns, legend(first), dir.resolve("fig4-" + t.task() + ".png"));
  }

  private static boolean hasDecoder(TaskComparison t, ModelManifest m) {
    return t.rows().stream().anyMatch(r -> r.decoder() && r.version() == m.version());
  }

  /** The first validation images of the newest compared version's request, or null with a note. */
  private List<Sample> validationSamples(TaskComparison t, List<String> notes, String figure) throws IOException {
    TrainingRequest request =
        t.versions().stream().max(Comparator.comparingInt(ModelManifest::version)).orElseThrow().training();
    var data = request.dataset();
    Path location = datasetRoot.resolve(data.location());
    if (!Files.isDirectory(location)) {
      notes.add(figure + " is left out: the data set " + location + " is not there (pass --dataset-root)");
      return null;
    }
    List<Sample> samples = DatasetReader.read(location, data.layout(), request.kind()).samples();
    List<Sample> validation = Split.of(samples, data.validationFraction(), data.splitSeed()).validation();
    return validation.subList(0, Math.min(count, validation.size()));
  }

  private Example load(Sample sample, PreprocessingSpec pre) {
    try {
      return loader.load(sample, pre, Augmentation.NONE, new Random(0));
    } catch (IOException e) {
      throw new IllegalStateException("could not read validation image " + sample.image() + ": " + e.getMessage(), e);
    }
  }

  /** The model's answer on each sample, drawn over the image as the model saw it. */
  private List<Tile> predict(PublishedModel model, List<Sample> samples) throws IOException {
    ModelManifest m = model.manifest();
    PreprocessingSpec pre = m.preprocessing();
    List<Tile> tiles = new ArrayList<>();
    try (OrtModel onnx = OrtModel.load(Files.readAllBytes(model.modelFile()))) {
      for (Sample s : samples) {
        Example e = load(s, pre);
        Map<String, OrtModel.Tensor> out = onnx.run(e.pixels(), new long[] {1, 3, pre.height(), pre.width()});
        tiles.add(m.kind() == ModelKind.SEGMENTATION
            ? Tile.mask(e, pre, out.get(OnnxNames.MASK).bytes())
            : Tile.classified(e, pre, out.get(OnnxNames.PROBABILITIES).floats(), m.classNames()));
      }
    }
    return tiles;
  }

  private static String legend(ModelManifest m) {
    return m.kind() == ModelKind.SEGMENTATION ? Tile.legend(m.classNames())
        : "caption: predicted class and its probability; green when right, red when wrong";
  }
}
