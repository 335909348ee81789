package org.medlora.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.medlora.report.ComparisonReport;
import org.medlora.store.ModelStore;
import picocli.CommandLine.Option;

/** Where a comparison report comes from and goes: what report and sweep share. */
final class ReportOptions {

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "Model store root folder.")
  Path store;

  @Option(names = "--out", required = true, paramLabel = "REPORT_DIR",
      description = "Folder for index.html, the tables (Markdown, CSV) and the figures (PNG).")
  Path out;

  @Option(names = "--dataset-root", defaultValue = ".", paramLabel = "DIR",
      description = "Where the requests' dataset.location is, for the example figures (default: the current folder).")
  Path datasetRoot;

  @Option(names = "--checkpoint-root", defaultValue = ".", paramLabel = "DIR",
      description = "Where the requests' checkpoint is, for the head-versus-decoder figure (default: the current folder).")
  Path checkpointRoot;

  @Option(names = "--examples", defaultValue = "4", paramLabel = "N",
      description = "Validation images in each example figure (default: ${DEFAULT-VALUE}).")
  int examples;

  Path write(List<String> tasks, PrintWriter log) throws Exception {
    if (examples < 1) {
      throw new IllegalArgumentException("--examples must be at least 1, got " + examples);
    }
    return ComparisonReport.write(new ModelStore(store), tasks, out,
        new ComparisonReport.Inputs(datasetRoot, checkpointRoot, examples), log);
  }
}
