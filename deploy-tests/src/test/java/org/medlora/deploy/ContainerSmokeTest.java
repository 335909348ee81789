package org.medlora.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.testsupport.KafkaBroker;

/**
 * docker/smoke-test.sh on a real broker of this host: the images built with podman, the worker
 * container training and publishing, the service container serving the result, both stopping on
 * SIGTERM. Needs root and podman (bin/install-tools).
 */
class ContainerSmokeTest {

  @Test
  void theContainersTrainPublishAndServe(@TempDir Path work) throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      Path log = work.resolve("smoke-test.log");
      Process script = new ProcessBuilder(
              Repository.root().resolve("docker/smoke-test.sh").toString(),
              "--bootstrap", broker.bootstrapServers(), "--work", work.resolve("run").toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean exited = script.waitFor(20, TimeUnit.MINUTES);
      if (!exited) {
        script.descendants().forEach(ProcessHandle::destroy);
        script.destroy();
      }
      String output = read(log);
      System.out.println(output);
      assertTrue(exited, "docker/smoke-test.sh did not finish in 20 minutes:\n" + output);
      assertEquals(0, script.exitValue(), "docker/smoke-test.sh failed:\n" + output);
      assertTrue(output.contains("the worker container trained and published lungs/1"), output);
      // The CPU image on a host without a GPU: the worker says it falls back to the CPU.
      assertTrue(output.contains("accepted by a worker (attempt 1, training on cpu)"), output);
      assertTrue(output.contains("segment answered 200 with a mask PNG"), output);
      assertTrue(output.contains("smoke test passed"), output);
    }
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
