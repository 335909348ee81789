package org.medlora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medlora.contracts.JobEvent;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.Topics;
import org.medlora.contracts.TrainingRequest;
import org.medlora.stack.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Sends a training request through Kafka and follows it to its end. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Sends a training request to training-requests, keyed by its request id, and follows its",
      "events on training-events: a progress bar on a terminal (phase, epoch, metrics, ETA), plain",
      "lines otherwise; then the published task, version and final metrics. Exit status: 0",
      "completed, 1 failed (reason and hint printed), 2 cancelled. A request id that already",
      "produced a model is answered with its completed event, without training it again."
    })
final class SubmitCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--request", required = true, paramLabel = "REQUEST.json", description = "The training request.")
  Path request;

  @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
      description = "Kafka (default: ${DEFAULT-VALUE}, where bin/medlora up runs it).")
  String bootstrap;

  @Option(names = "--timeout", defaultValue = "PT24H", description = "Give up waiting after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(request)) {
      throw new IllegalArgumentException(request + " is not a file; pass the training request's JSON file");
    }
    String json = Files.readString(request);
    // Refused here, not by the worker: the same message, without a round trip through Kafka.
    TrainingRequest parsed = MessageCodec.fromJson(json, TrainingRequest.class);
    String line = JSON.writeValueAsString(JSON.readTree(json)); // one line, as the topic's values are
    ProgressView view = new ProgressView(spec.commandLine().getOut(), System.console() != null);
    return report(submit(parsed, line, bootstrap, timeout, view), view);
  }

  /** Sends {@code line}, the request {@code parsed} as one line of JSON, and follows it to its end event. */
  static JobEvent submit(TrainingRequest parsed, String line, String bootstrap, Duration timeout, ProgressView view)
      throws InterruptedException {
    try (JobClient jobs = new JobClient(bootstrap)) {
      jobs.send(Topics.TRAINING_REQUESTS, parsed.requestId(), line);
      view.println("sent " + parsed.requestId() + " (task " + parsed.task() + ") to " + Topics.TRAINING_REQUESTS
          + " at " + bootstrap + "; waiting for a worker");
      return jobs.follow(parsed.requestId(), timeout, view::show);
    }
  }

  static int report(JobEvent end, ProgressView view) {
    if (end instanceof JobEvent.Completed c) {
      view.println("completed: published " + c.task() + " version " + c.manifest().version() + " (" + c.modelPath()
          + " in the store)");
      for (Map.Entry<String, Double> m : c.manifest().metrics().entrySet()) {
        view.println(String.format(Locale.ROOT, "  %-24s %.4g", m.getKey(), m.getValue()));
      }
      return 0;
    }
    if (end instanceof JobEvent.Failed f) {
      view.println("failed: " + f.reason());
      if (!f.hint().isBlank()) {
        view.println("hint: " + f.hint());
      }
      return 1;
    }
    view.println("cancelled: " + ((JobEvent.Cancelled) end).reason());
    return 2;
  }
}
