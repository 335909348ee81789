package org.medlora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.TrainingRequest;
import org.medlora.store.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains one model per method from a base request, then writes the comparison report. */
@Command(
    name = "sweep",
    header = "Trains a base request with each of several methods, then writes the comparison report.",
    mixinStandardHelpOptions = true,
    description = {
      "Derives one training request per method from the base request: the same task, data and settings,",
      "the method (linear, lora:R at rank R with the base's alpha and targets, or full) and the id",
      "<base id>-linear, -lora-rR or -full. Runs them one after another in this JVM, or through Kafka",
      "with --bootstrap (as submit does). A request whose id already made a version of the task is not",
      "trained again, so a re-run after a failure trains only what is missing. Then writes what report",
      "writes for the task. Exit status 1 if a request failed (the report still covers the rest)."
    })
final class SweepCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--request", required = true, paramLabel = "BASE.json", description = "The base training request.")
  Path request;

  @Option(names = "--methods", required = true, split = ",", converter = SweepMethod.Converter.class,
      paramLabel = "METHOD", description = "Comma-separated: linear, lora:R (rank R), full; e.g. linear,lora:3,lora:10,full.")
  List<SweepMethod> methods;

  @Mixin ReportOptions report;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Train through Kafka at this address (a worker must write to --store); without it, in this JVM.")
  String bootstrap;

  @Option(names = "--timeout", defaultValue = "PT24H", description = "Through Kafka: give up on one request after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(request)) {
      throw new IllegalArgumentException(request + " is not a file; pass the base training request's JSON file");
    }
    String json = Files.readString(request);
    TrainingRequest parsed = MessageCodec.fromJson(json, TrainingRequest.class); // says what is wrong with it
    ObjectNode base = (ObjectNode) JSON.readTree(json);
    PrintWriter out = spec.commandLine().getOut();
    ProgressView view = new ProgressView(out, System.console() != null);
    ModelStore store = new ModelStore(report.store);
    List<String> failed = new ArrayList<>();
    for (SweepMethod method : methods) {
      String line = JSON.writeValueAsString(method.applyTo(base.deepCopy(), parsed.requestId()));
      TrainingRequest derived = MessageCodec.fromJson(line, TrainingRequest.class);
      Optional<ModelManifest> done = store.publishedFor(derived.requestId());
      if (done.isPresent()) {
        view.println(method + ": " + derived.requestId() + " is already version " + done.get().version() + " of "
            + derived.task() + "; not trained again");
        continue;
      }
      view.println(method + ": training " + derived.requestId());
      if (!trainOne(derived, line, store, view)) {
        failed.add(derived.requestId());
      }
    }
    view.println("writing the report of " + parsed.task() + " to " + report.out);
    report.write(List.of(parsed.task()), out);
    if (!failed.isEmpty()) {
      view.println("failed or cancelled: " + String.join(", ", failed) + "; run the sweep again to retry them");
      return 1;
    }
    return 0;
  }

  /** Trains one request here or through Kafka; false (said on the view) if it failed or was cancelled. */
  private boolean trainOne(TrainingRequest derived, String line, ModelStore store, ProgressView view)
      throws InterruptedException {
    try {
      if (bootstrap != null) {
        return SubmitCommand.report(SubmitCommand.submit(derived, line, bootstrap, timeout, view), view) == 0;
      }
      TrainCommand.train(derived, store, view);
      return true;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) { // one method's failure (a divergence, a timeout) leaves the others to compare
      view.println("failed: " + e.getMessage());
      return false;
    }
  }
}
