package org.medlora.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.medlora.contracts.MessageCodec;
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
      "worker reads from Kafka), printing progress per epoch."
    })
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--request", required = true, description = "A training request as JSON (see contracts/src/main/resources/schemas).")
  Path request;

  @Option(names = "--store", required = true, description = "Model store root folder.")
  Path store;

  @Override
  public Integer call() throws Exception {
    TrainingRequest req = MessageCodec.fromJson(Files.readString(request), TrainingRequest.class);
    TrainingRun.Listener listener = new TrainingRun.Listener() {
      @Override
      public void progress(String phase, int epoch, int total, Map<String, Double> metrics, double seconds, double eta) {
        System.out.printf("%s epoch %d/%d (%.1f s, about %.0f s left): %s%n", phase, epoch, total, seconds, eta,
            format(metrics));
      }

      @Override
      public void problem(String message) {
        System.out.println("note: " + message);
      }
    };
    TrainingRun.Outcome outcome = new TrainingRun(req, new ModelStore(store), listener, () -> false).run();
    System.out.printf("published %s version %d at %s%nmetrics: %s%n", req.task(), outcome.published().version(),
        outcome.published().directory(), format(outcome.metrics()));
    return 0;
  }

  private static String format(Map<String, Double> metrics) {
    return metrics.entrySet().stream()
        .map(e -> e.getKey() + "=" + String.format("%.4g", e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
