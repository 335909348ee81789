package org.medlora.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The paper's comparison of methods from the manifests in a store. */
@Command(
    name = "report",
    header = "Writes the comparison of methods per task (table, figures, index.html) from a store's manifests.",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the seed paper's comparison for each task from the manifests of its versions: the table",
      "(method, rank, trainable parameters, validation and test metrics, seconds per epoch, the decoder's",
      "row where one was trained) as table-TASK.md and .csv; learning curves (fig1-*), the task metric",
      "against LoRA rank and against trainable parameters (fig2-*), example predictions beside the",
      "ground truth (fig3-*) and the linear head against the decoder (fig4-*) as PNG; and index.html,",
      "which shows it all offline. The newest version of each method counts. The example figures run",
      "the exported models in ONNX Runtime on validation images, found as the requests name them",
      "under --dataset-root (and the checkpoint under --checkpoint-root for fig4)."
    })
final class ReportCommand implements Callable<Integer> {

  @Mixin ReportOptions report;

  @Option(names = "--task", required = true, paramLabel = "TASK", description = "A task to compare; repeat for more.")
  List<String> tasks;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    report.write(tasks, spec.commandLine().getOut());
    return 0;
  }
}
