package org.medlora.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.medlora.contracts.TrainingRequest;

/**
 * What the store keeps per training request id, in {@code <root>/.requests/}: a lock file, held
 * while a version for the request is published or its attempts are counted, and the count of
 * attempts. The lock is an operating-system file lock, so it excludes other processes too (on a
 * local file system or NFSv4) and the kernel releases it when its holder dies, even by SIGKILL:
 * a crashed publisher never leaves a request locked.
 */
final class RequestRecords {

  static final String DIRECTORY = ".requests";

  /** File locks belong to the process, so the threads of one take turns here first. */
  private static final Object IN_PROCESS = new Object();

  @FunctionalInterface
  interface LockedAction<T> {
    T run() throws IOException;
  }

  private final Path dir;

  RequestRecords(Path storeRoot) {
    this.dir = storeRoot.resolve(DIRECTORY);
  }

  /** Runs {@code action} as the only holder of {@code requestId}'s lock in every process. */
  <T> T locked(String requestId, LockedAction<T> action) throws IOException {
    Path file = Files.createDirectories(dir).resolve(TrainingRequest.checkRequestId(requestId) + ".lock");
    synchronized (IN_PROCESS) {
      try (FileChannel channel = FileChannel.open(file, CREATE, WRITE);
          FileLock lock = channel.lock()) {
        return action.run();
      }
    }
  }

  /** Counts one more attempt at {@code requestId}; returns its number, 1 for the first. */
  int nextAttempt(String requestId) throws IOException {
    return locked(requestId, () -> {
      Path file = dir.resolve(requestId + ".attempts");
      int attempt = 1;
      try {
        attempt += Integer.parseInt(Files.readString(file, UTF_8).trim());
      } catch (NoSuchFileException e) {
        // The first attempt.
      } catch (NumberFormatException e) {
        throw new IOException(file + " holds '" + Files.readString(file, UTF_8).trim()
            + "', not a count of attempts; delete it to count again from 1");
      }
      ModelStore.writeAtomically(file, Integer.toString(attempt));
      return attempt;
    });
  }
}
