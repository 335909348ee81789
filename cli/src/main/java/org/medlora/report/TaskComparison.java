package org.medlora.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medlora.contracts.EpochRecord;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.export.VersionParts;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.store.ModelStore;

/**
 * One task's comparison of methods, from the manifests of its versions in a store: the newest
 * version trained with each method (linear, LoRA at each rank, full), as rows of the paper's
 * table, plus a row for each decoder trained on one. Versions exported by hand have no training
 * record and are left out, with a note.
 */
record TaskComparison(String task, ModelKind kind, List<ModelManifest> versions, List<Row> rows, List<String> notes) {

  /** The training phase of the backbone (or head) and of the decoder, as the trainer names them. */
  static final String TRAIN_PHASE = "train";
  static final String DECODER_PHASE = "decoder";

  /** Linear first, then LoRA by rank, then full: the paper's order. */
  private static final Comparator<ModelManifest> PAPER_ORDER =
      Comparator.comparing((ModelManifest m) -> m.method().kind() == MethodKind.LINEAR ? 0
              : m.method().kind() == MethodKind.LORA ? 1 : 2)
          .thenComparing(m -> m.method().loraRank() == null ? 0 : m.method().loraRank());

  /**
   * Reads {@code task}'s versions from {@code store}.
   *
   * @throws IllegalArgumentException if the store has no trained version of the task
   */
  static TaskComparison read(ModelStore store, String task) throws IOException {
    List<Integer> numbers = store.versions(task);
    if (numbers.isEmpty()) {
      throw new IllegalArgumentException("the store at " + store.root() + " has no version of task " + task
          + "; its tasks are " + store.tasks());
    }
    List<String> notes = new ArrayList<>();
    Map<String, ModelManifest> newestByMethod = new LinkedHashMap<>();
    for (int v : numbers) {
      ModelManifest m = store.manifest(task, v);
      if (m.training() == null) {
        notes.add("version " + v + " was exported by hand (no training record) and is not compared");
        continue;
      }
      if (m.history().isEmpty()) {
        notes.add("version " + v + " records no per-epoch history (written before histories were kept): no curve");
      }
      ModelManifest older = newestByMethod.put(methodLabel(m), m);
      if (older != null) {
        notes.add("version " + older.version() + " (" + methodLabel(older) + ") is superseded by version " + v);
      }
    }
    if (newestByMethod.isEmpty()) {
      throw new IllegalArgumentException("task " + task + " in " + store.root()
          + " has no trained version: " + String.join("; ", notes));
    }
    List<ModelManifest> versions = newestByMethod.values().stream().sorted(PAPER_ORDER).toList();
    List<Row> rows = new ArrayList<>();
    for (ModelManifest m : versions) {
      rows.addAll(rows(store, m));
    }
    return new TaskComparison(task, versions.get(0).kind(), versions, rows, notes);
  }

  /** The method's row and, when a decoder was trained on it, the decoder's. */
  private static List<Row> rows(ModelStore store, ModelManifest m) throws IOException {
    String label = methodLabel(m);
    Map<String, Double> finals = new LinkedHashMap<>(m.metrics());
    double seconds = removeOrNaN(finals, "seconds-per-epoch");
    long trainable = Math.round(removeOrNaN(finals, "trainable-params")); // NaN rounds to 0: unknown
    List<EpochRecord> train = phase(m, TRAIN_PHASE);
    List<EpochRecord> decoder = phase(m, DECODER_PHASE);
    if (decoder.isEmpty()) {
      return List.of(new Row(m.version(), label, m.method().kind(), m.method().loraRank(), false, trainable, finals,
          seconds, train));
    }
    // The final metrics are the decoder's; the method's own are its last epoch before it.
    Row method = new Row(m.version(), label, m.method().kind(), m.method().loraRank(), false, trainable,
        train.get(train.size() - 1).metrics(), seconds, train);
    double decoderSeconds = decoder.stream().mapToDouble(EpochRecord::seconds).average().orElseThrow();
    Row decoded = new Row(m.version(), label + " + decoder", m.method().kind(), m.method().loraRank(), true,
        decoderParams(store, m), finals, decoderSeconds, decoder);
    return List.of(method, decoded);
  }

  /** The decoder's parameter count, from the tensors of the decoder file the version keeps. */
  private static long decoderParams(ModelStore store, ModelManifest m) throws IOException {
    Path file = store.artifacts(store.open(m.task(), m.version())).get(VersionParts.DECODER);
    if (file == null) {
      throw new IllegalArgumentException("version " + m.version() + " of " + m.task() + " trained a decoder but keeps no "
          + VersionParts.DECODER + "; it cannot be counted");
    }
    SafetensorsFile tensors = SafetensorsFile.read(file);
    long n = 0;
    for (String name : tensors.names()) {
      n += tensors.info(name).elementCount();
    }
    return n;
  }

  private static double removeOrNaN(Map<String, Double> metrics, String name) {
    Double value = metrics.remove(name);
    return value == null ? Double.NaN : value;
  }

  private static List<EpochRecord> phase(ModelManifest m, String phase) {
    return m.history().stream().filter(e -> e.phase().equals(phase)).toList();
  }

  /** {@code linear}, {@code LoRA r=3} or {@code full}. */
  static String methodLabel(ModelManifest m) {
    return m.method().kind() == MethodKind.LORA ? "LoRA r=" + m.method().loraRank() : m.method().kind().jsonName();
  }

  /** The task's headline metric: Dice for segmentation, macro-F1 for classification. */
  String taskMetric() {
    return kind == ModelKind.SEGMENTATION ? "dice" : "macro-f1";
  }

  /** The validation metrics the table shows, in the paper's order. */
  List<String> validationColumns() {
    return kind == ModelKind.SEGMENTATION ? List.of("val-loss", "dice", "mean-iou", "pixel-accuracy")
        : List.of("val-loss", "accuracy", "macro-f1");
  }

  /** The validation metrics on the data set's own test split (Kermany's), when a row has them. */
  List<String> testColumns() {
    return validationColumns().stream()
        .filter(c -> !c.equals("val-loss"))
        .map(c -> "test-" + c)
        .filter(c -> rows.stream().anyMatch(r -> r.metrics().containsKey(c)))
        .toList();
  }
}
