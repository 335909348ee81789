package org.medlora.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medlora.export.ExportParityException;
import org.medlora.store.ModelStore;

/**
 * The seed paper's comparison of methods, per task, from the manifests in a model store: its
 * table (Markdown and CSV), its figures (PNG) and an {@code index.html} that shows them offline.
 * What {@code bin/medlora report} and {@code sweep} write.
 */
public final class ComparisonReport {

  /**
   * Where the example figures find what the training requests name, as a worker's roots do.
   *
   * @param datasetRoot folder the requests' {@code dataset.location}s are relative to
   * @param checkpointRoot folder the requests' {@code checkpoint}s are relative to
   * @param examples validation images per example figure
   */
  public record Inputs(Path datasetRoot, Path checkpointRoot, int examples) {}

  private ComparisonReport() {}

  /**
   * Writes the report of {@code tasks} into {@code out} and returns its {@code index.html}; says
   * each file and note on {@code log}.
   *
   * @throws IllegalArgumentException if the store has no trained version of a task
   */
  public static Path write(ModelStore store, List<String> tasks, Path out, Inputs inputs, PrintWriter log)
      throws IOException, ExportParityException {
    System.setProperty("java.awt.headless", "true"); // charts and images are drawn off-screen
    Files.createDirectories(out);
    Examples examples = new Examples(store, inputs.datasetRoot(), inputs.checkpointRoot(), inputs.examples());
    List<IndexPage.Section> sections = new ArrayList<>();
    for (String task : tasks) {
      TaskComparison t = TaskComparison.read(store, task);
      List<String> notes = new ArrayList<>(t.notes());
      List<Path> files = new ArrayList<>();
      files.add(Files.writeString(out.resolve("table-" + task + ".md"), Tables.markdown(t)));
      files.add(Files.writeString(out.resolve("table-" + task + ".csv"), Tables.csv(t)));
      files.addAll(Charts.learningCurves(t, out));
      files.addAll(Charts.rankAndParameters(t, out));
      Path predictions = examples.predictions(t, out, notes);
      if (predictions != null) {
        files.add(predictions);
      }
      Path decoder = examples.headVersusDecoder(t, out, notes);
      if (decoder != null) {
        files.add(decoder);
      }
      log.println(task + ":");
      log.print(Tables.markdown(t));
      files.forEach(f -> log.println("  wrote " + f));
      notes.forEach(n -> log.println("  note: " + n));
      sections.add(new IndexPage.Section(t, files, notes));
    }
    Path index = Files.writeString(out.resolve("index.html"), IndexPage.html(sections));
    log.println("wrote " + index);
    return index;
  }
}
