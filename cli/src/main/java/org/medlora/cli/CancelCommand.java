package org.medlora.cli;

import java.util.concurrent.Callable;
import org.medlora.contracts.TrainingRequest;
import org.medlora.stack.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Asks every worker to stop a training request. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Sends a cancellation to training-cancellations: the worker running the request stops it",
      "between batches and reports 'cancelled'; a request not started yet is cancelled when it comes."
    })
final class CancelCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "REQUEST_ID", description = "The request id to cancel.")
  String requestId;

  @Option(names = "--reason", defaultValue = "cancelled from the command line", description = "Kept in the cancelled event.")
  String reason;

  @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
      description = "Kafka (default: ${DEFAULT-VALUE}, where bin/medlora up runs it).")
  String bootstrap;

  @Override
  public Integer call() throws Exception {
    TrainingRequest.checkRequestId(requestId);
    try (JobClient jobs = new JobClient(bootstrap)) {
      jobs.cancel(requestId, reason);
    }
    spec.commandLine().getOut().println("sent a cancellation for " + requestId + "; bin/medlora submit, if it"
        + " follows the request, ends with exit status 2 once the worker has stopped it");
    return 0;
  }
}
