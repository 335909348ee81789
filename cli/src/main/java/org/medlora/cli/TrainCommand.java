package org.medlora.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.QuantizationCheck;
import org.medlora.contracts.TrainingRequest;
import org.medlora.store.ModelStore;
import org.medlora.training.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one training request locally, without Kafka: the worker's code, from a terminal. */
@Command(
    name = "train",
    header = "Trains, evaluates, exports and publishes one model from a training request.",
    mixinStandardHelpOptions = true,
    description = {
      "Trains, evaluates, exports and publishes one model from a training request (the JSON a",
      "worker reads from Kafka), with the progress bar of submit (plain lines when not on a terminal)."
    })
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--request", required = true, description = "A training request as JSON (see contracts/src/main/resources/schemas).")
  Path request;

  @Option(names = "--store", required = true, description = "Model store root folder.")
  Path store;

  @Override
  public Integer call() throws Exception {
    TrainingRequest req = MessageCodec.fromJson(Files.readString(request), TrainingRequest.class);
    ProgressView view = new ProgressView(new PrintWriter(System.out, true), System.console() != null);
    TrainingRun.Outcome outcome = train(req, new ModelStore(store), view);
    view.println(String.format("published %s version %d at %s%nmetrics: %s", req.task(), outcome.published().version(),
        outcome.published().directory(), format(outcome.metrics())));
    QuantizationCheck int8 = outcome.published().manifest().verification().quantization();
    if (int8 != null) {
      view.println(int8.summary());
    }
    return 0;
  }

  /** Runs {@code req} in this JVM, showing its progress as bin/medlora submit shows the worker's events. */
  static TrainingRun.Outcome train(TrainingRequest req, ModelStore store, ProgressView view) throws Exception {
    TrainingRun.Listener listener = new TrainingRun.Listener() {
      @Override
      public void progress(String phase, int epoch, int total, Map<String, Double> metrics, double seconds, double eta) {
        view.show(new JobEvent.Progress(req.requestId(), req.task(), Instant.now(), phase, epoch, total, metrics,
            seconds, eta));
      }

      @Override
      public void problem(String message) {
        view.println("note: " + message);
      }
    };
    return new TrainingRun(req, store, listener, () -> false).run();
  }

  private static String format(Map<String, Double> metrics) {
    return metrics.entrySet().stream()
        .map(e -> e.getKey() + "=" + String.format("%.4g", e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
