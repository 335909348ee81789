package org.medlora.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medlora.stack.LocalStack;
import org.medlora.stack.StackConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole system on this machine until Ctrl-C: a Kafka broker, a trainer worker and the
 * inference service, each a process of its own, supervised by this one.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole system on this machine until Ctrl-C or SIGTERM: a single-node Kafka broker",
      "(its data under <store>/.medlora/kafka, so topics and offsets survive a restart), one trainer",
      "worker and the inference service following model-published, all on 127.0.0.1. A part that",
      "dies is restarted. Submit requests with bin/medlora submit; logs are in <store>/.medlora/logs."
    })
final class UpCommand implements Callable<Integer> {

  @Option(names = "--store", defaultValue = "store", description = "Model store folder (default: ${DEFAULT-VALUE}).")
  Path store;

  @Option(names = "--port", defaultValue = "8080", description = "The inference service's HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--api-key", description = "Require this key in the X-API-Key header on /v1 (default: no authentication).")
  String apiKey;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this Kafka instead of starting a broker.")
  String bootstrap;

  @Option(names = "--kafka-port", defaultValue = "9092", description = "The broker's client port; its controller takes the next one (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--worker-port", defaultValue = "8081", description = "The worker's HTTP port, for its health (default: ${DEFAULT-VALUE}).")
  int workerPort;

  @Option(names = "--dataset-root", defaultValue = ".", description = "The only folder the worker reads data sets from; a request's dataset.location is relative to it (default: the current folder).")
  Path datasetRoot;

  @Option(names = "--checkpoint-root", defaultValue = ".", description = "The only folder the worker reads checkpoints from (default: the current folder).")
  Path checkpointRoot;

  @Override
  public Integer call() throws Exception {
    StackConfig config = new StackConfig(Medlora.home(), store, port, apiKey, bootstrap, kafkaPort, workerPort,
        datasetRoot, checkpointRoot);
    LocalStack stack = LocalStack.start(config, System.out);
    System.out.println("medlora up: all parts are ready. Submit training with bin/medlora submit --request"
        + " REQUEST.json --bootstrap " + stack.bootstrapServers() + "; the service answers at " + stack.serviceUri()
        + "/v1/models. Ctrl-C stops everything.");
    stack.awaitClosed(); // Ctrl-C or SIGTERM: the stack's shutdown hook stops the parts
    return 0;
  }
}
