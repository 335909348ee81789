package org.medlora.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medlora.stack.Jvm;
import org.medlora.stack.StackConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the inference service on a model store without Kafka, for a quick local run. The service
 * is its own application (Quarkus, ONNX Runtime only), so this launches its jar as a child process
 * and waits for it; Ctrl-C stops both.
 */
@Command(
    name = "serve",
    header = "Serves a model store over HTTP (the inference service, without Kafka).",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the newest version of every task in a model store over HTTP (rescanned every 30 s),",
      "without Kafka. API: /v1/models, /v1/models/<task>/classify, /v1/models/<task>/segment;",
      "Swagger UI at /q/swagger-ui. Without --api-key it listens on 127.0.0.1 only, with no",
      "authentication. Any medlora.* setting of the service can be passed in MEDLORA_JAVA_OPTS,",
      "e.g. -Dmedlora.batching.max-batch-size=1."
    })
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--store", required = true, description = "Model store root folder (written by train or export).")
  Path store;

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", description = "Address to listen on (default: 127.0.0.1, or 0.0.0.0 with --api-key).")
  String host;

  @Option(names = "--api-key", description = "Require this key in the X-API-Key header on /v1.")
  String apiKey;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(store)) {
      throw new IllegalArgumentException(store + " is not a directory; pass the model store that train or export wrote");
    }
    Path jar = Medlora.home().resolve(StackConfig.SERVICE_JAR);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the inference service is not built (" + jar + "); run it through bin/medlora,"
          + " which builds it, or ./mvnw -pl inference-service -am package -DskipTests");
    }
    ProcessBuilder service = new ProcessBuilder(command(jar)).inheritIO();
    if (apiKey != null) {
      service.environment().put("MEDLORA_AUTH_API_KEYS", apiKey); // the environment, not argv: keys stay out of ps
    }
    Process process = service.start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    return process.waitFor();
  }

  private List<String> command(Path jar) {
    return Jvm.jar(jar, List.of(
        "-Dmedlora.store.path=" + store.toAbsolutePath().normalize(),
        "-Dkafka.bootstrap.servers=",
        "-Dquarkus.http.host=" + (host != null ? host : apiKey != null ? "0.0.0.0" : "127.0.0.1"),
        "-Dquarkus.http.port=" + port,
        "-Dmedlora.auth.enabled=" + (apiKey != null)));
  }
}
