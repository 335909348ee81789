package org.medlora.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.TrainingRequest;

/**
 * What the store keeps per training request id, in {@code <root>/.requests/}: a lock file, held
 * while a version for the request is published or its attempts are counted, the count of
 * attempts, and where the request's version lies, so that finding it reads one small file and
 * one manifest however many tasks and versions the store holds. The lock is an operating-system
 * file lock, so it excludes other processes too (on a local file system or NFSv4) and the kernel
 * releases it when its holder dies, even by SIGKILL: a crashed publisher never leaves a request
 * locked.
 */
final class RequestRecords {

  static final String DIRECTORY = ".requests";

  /**
   * Present once every version published before the store kept records has its record: after
   * that, a request without a record has no version. No request's file is named so, since
   * theirs all end in {@code .lock}, {@code .attempts} or {@code .published}.
   */
  static final String ALL_RECORDED = "all-versions-recorded";

  /**
   * Where a request's version lies: its task, and its number once it was renamed into place, 0
   * while it is being published (or its publisher died before it could record the number).
   */
  record Published(String task, int version) {}

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

  /**
   * Where {@code requestId}'s version lies; empty if nothing is recorded. A record that does not
   * read as one counts as a task unknown: null, with version 0.
   */
  Optional<Published> published(String requestId) throws IOException {
    String text;
    try {
      text = Files.readString(publishedFile(requestId), UTF_8).trim();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (CharacterCodingException e) {
      text = ""; // damaged, as below
    }
    String[] parts = text.split(" ", -1);
    try {
      String task = ModelManifest.checkTask(parts[0]);
      if (parts.length == 1) {
        return Optional.of(new Published(task, 0));
      }
      if (parts.length == 2) {
        return Optional.of(new Published(task, Integer.parseInt(parts[1])));
      }
    } catch (IllegalArgumentException e) {
      // Damaged: the caller looks for the version everywhere.
    }
    return Optional.of(new Published(null, 0));
  }

  /** Records where {@code requestId}'s version lies; version 0 before it is renamed into place. */
  void record(String requestId, String task, int version) throws IOException {
    Files.createDirectories(dir);
    ModelStore.writeAtomically(publishedFile(requestId), version == 0 ? task : task + " " + version);
  }

  /** True once the versions published before the store kept records have theirs. */
  boolean allRecorded() {
    return Files.exists(dir.resolve(ALL_RECORDED));
  }

  void markAllRecorded() throws IOException {
    Files.createDirectories(dir);
    ModelStore.writeAtomically(dir.resolve(ALL_RECORDED), "");
  }

  private Path publishedFile(String requestId) {
    return dir.resolve(TrainingRequest.checkRequestId(requestId) + ".published");
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
