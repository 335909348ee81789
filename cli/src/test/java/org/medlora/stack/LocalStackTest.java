package org.medlora.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.kafkanode.KafkaNode.freePort;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack's pieces that need no processes; {@code stack-tests} runs the real thing. */
class LocalStackTest {

  @TempDir Path dir;

  @Test
  void theServiceCountsAsStartedOnceItsStartupReadIsDoneEvenWithoutAModel() throws Exception {
    assertTrue(LocalStack.serviceStarted(200, "{}"));
    assertTrue(LocalStack.serviceStarted(503,
        "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"models\",\"status\":\"DOWN\",\"data\":{\"loaded\":\"\",\"startup-load-done\":true}}]}"));
    assertFalse(LocalStack.serviceStarted(503,
        "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"models\",\"status\":\"DOWN\",\"data\":{\"startup-load-done\":false}}]}"));
    assertFalse(LocalStack.serviceStarted(404, ""));
  }

  @Test
  void aReadinessLineCountsOnlyAfterTheRunsStartInTheLog() throws Exception {
    Path log = dir.resolve("kafka.log");
    Files.writeString(log, "earlier run: Kafka Server started\n");
    long start = Files.size(log);
    assertFalse(LocalStack.logContains(log, start, "Kafka Server started"));
    Files.writeString(log, "this run: Kafka Server started\n", StandardOpenOption.APPEND);
    assertTrue(LocalStack.logContains(log, start, "Kafka Server started"));
    assertFalse(LocalStack.logContains(dir.resolve("none.log"), 0, "x"));
  }

  @Test
  void aPortInUseIsNamedWithItsOptionBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      StackConfig config = new StackConfig(dir, dir.resolve("store"), port, null, null, freePort(), freePort(), dir, dir);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalStack.requireFreePorts(config));
      assertEquals("port " + port + " on 127.0.0.1 is in use (is another bin/medlora up running?); pass --port to use"
          + " another", e.getMessage());
    }
  }

  @Test
  void startingWithoutTheBuiltApplicationsSaysHowToBuildThem() throws Exception {
    StackConfig config = new StackConfig(dir, dir.resolve("store"), freePort(), null, null, freePort(), freePort(),
        dir, dir);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalStack.start(config, out));
    assertTrue(e.getMessage().startsWith("the trainer-worker is not built ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("run bin/medlora up, which builds it, or ./mvnw -B -pl trainer-worker -am"
        + " package -DskipTests"), e.getMessage());
  }

  @Test
  void theStacksFilesLiveInAHiddenFolderOfTheStoreThatIsNeverATask() {
    StackConfig config = new StackConfig(dir, dir.resolve("store"), 8080, null, null, 9092, 8081, dir, dir);
    assertEquals(dir.resolve("store/.medlora"), config.stateDirectory());
    assertEquals("127.0.0.1:9092", config.bootstrapServers());
    assertEquals("kafka.example.org:9092", new StackConfig(dir, dir, 8080, null, "kafka.example.org:9092", 0, 8081,
        dir, dir).bootstrapServers(), "no broker: its port is not checked");
    assertThrows(IllegalArgumentException.class, () -> new StackConfig(dir, dir, 8080, null, null, 65535, 8081, dir, dir),
        "the controller needs the next port");
  }
}
