package org.medlora.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.ModelManifest;

/** The store as the arbiter between attempts at one training request (Fixtures' drafts are all for lungs-001). */
class OncePerRequestTest {

  @TempDir Path root;

  @Test
  void aSecondVersionForOneRequestIdIsRefusedWhateverItsTaskAndNamesTheFirst() throws IOException {
    ModelStore store = ModelStore.oncePerRequest(root);
    PublishedModel first = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));

    RequestAlreadyPublishedException sameTask = assertThrows(RequestAlreadyPublishedException.class,
        () -> store.publish("lungs", Fixtures.model(2), Fixtures.segmentation("lungs")));
    RequestAlreadyPublishedException otherTask = assertThrows(RequestAlreadyPublishedException.class,
        () -> store.publish("hearts", Fixtures.model(3), Fixtures.segmentation("hearts")));

    assertEquals(first.manifest(), sameTask.published());
    assertEquals(first.manifest(), otherTask.published());
    assertEquals(List.of(1), store.versions("lungs"));
    assertEquals(List.of(), store.versions("hearts"));
    try (Stream<Path> left = Files.list(root.resolve("lungs"))) {
      assertEquals(List.of("1", "config.pbtxt"), left.map(p -> p.getFileName().toString()).sorted().toList(),
          "the loser's temporary directory is gone");
    }
    assertEquals(Optional.of(first.manifest()), store.publishedFor("lungs-001"));
    assertEquals(Optional.empty(), store.publishedFor("lungs-002"));
  }

  @Test
  void aLookUpReadsNoOtherTasksManifestWhetherItNamesTheRequestTooOrCannotBeRead() throws IOException {
    ModelStore store = ModelStore.oncePerRequest(root);
    PublishedModel first = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    assertTrue(Files.exists(allRecorded()), "the publish's look-up found the store recorded, and marked it so");
    // A plain store publishes every call, so hearts/1 names the request too; "hearts" sorts
    // before "lungs", so a look-up that read the store's manifests in order would answer with it.
    new ModelStore(root).publish("hearts", Fixtures.model(2), Fixtures.segmentation("hearts"));
    assertEquals(Optional.of(first.manifest()), store.publishedFor("lungs-001"));

    failEveryRead(root.resolve("hearts/1/manifest.json"));
    assertEquals(Optional.of(first.manifest()), store.publishedFor("lungs-001"));
    assertEquals(Optional.empty(), store.publishedFor("lungs-002"));
  }

  @Test
  void versionsPublishedBeforeTheStoreKeptRecordsAreFoundAndRecordedOnce() throws IOException {
    ModelStore store = ModelStore.oncePerRequest(root);
    PublishedModel lungs = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    new ModelStore(root).publish("aorta", Fixtures.model(4), Fixtures.segmentation("aorta"));
    Files.writeString(root.resolve("aorta/1/manifest.json"), "{ truncated"); // passed over, as before
    deleteTree(root.resolve(RequestRecords.DIRECTORY)); // as a store from before the records

    assertEquals(Optional.of(lungs.manifest()), store.publishedFor("lungs-001"));
    assertTrue(Files.exists(allRecorded()), "the first look-up recorded every version and marked the store so");
    assertEquals(Optional.empty(), store.publishedFor("lungs-002"));
    new ModelStore(root).publish("hearts", Fixtures.model(2), Fixtures.segmentation("hearts"));
    failEveryRead(root.resolve("hearts/1/manifest.json"));
    assertEquals(Optional.of(lungs.manifest()), store.publishedFor("lungs-001"), "recorded: hearts/1 is not read");
    assertThrows(RequestAlreadyPublishedException.class,
        () -> store.publish("kidneys", Fixtures.model(3), Fixtures.segmentation("kidneys")));
  }

  private Path allRecorded() {
    return root.resolve(RequestRecords.DIRECTORY).resolve(RequestRecords.ALL_RECORDED);
  }

  /**
   * Makes every read of {@code manifest} throw an IOException that look-ups do not pass over as
   * damage, root's reads too (tests run as root, whom permissions do not stop): it becomes a link
   * to /proc/self/mem, a file the kernel calls regular but whose reading from its start fails.
   */
  private static void failEveryRead(Path manifest) throws IOException {
    Files.delete(manifest);
    Files.createSymbolicLink(manifest, Path.of("/proc/self/mem"));
    try {
      Files.readAllBytes(manifest);
      throw new AssertionError(manifest + " can still be read");
    } catch (IOException expected) {
      // What a look-up that read it would meet.
    }
  }

  @Test
  void aVersionWithoutARecordStillStopsASecondOne() throws IOException {
    ModelStore store = ModelStore.oncePerRequest(root);
    // Published after the store was marked recorded, but with no record: as a build from before
    // the records writes it (or a version directory copied in by hand).
    PublishedModel lungs = new ModelStore(root).publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    assertTrue(Files.exists(allRecorded()));
    Files.delete(root.resolve(RequestRecords.DIRECTORY).resolve("lungs-001.published"));
    assertEquals(Optional.empty(), store.publishedFor("lungs-001"), "a look-up believes the records");

    RequestAlreadyPublishedException e = assertThrows(RequestAlreadyPublishedException.class,
        () -> store.publish("hearts", Fixtures.model(2), Fixtures.segmentation("hearts")));
    assertEquals(lungs.manifest(), e.published());
    assertEquals(List.of(), store.versions("hearts"));
    assertEquals(Optional.of(lungs.manifest()), store.publishedFor("lungs-001"), "and now it is recorded");
  }

  @Test
  void aPublisherThatDiedAfterTheRenameLeftAVersionThatIsStillFound() throws IOException {
    ModelStore store = ModelStore.oncePerRequest(root);
    PublishedModel lungs = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    // What the record says between the rename and the recording of the version's number.
    Files.writeString(root.resolve(RequestRecords.DIRECTORY).resolve("lungs-001.published"), "lungs");

    assertEquals(Optional.of(lungs.manifest()), store.publishedFor("lungs-001"));
    assertThrows(RequestAlreadyPublishedException.class,
        () -> store.publish("lungs", Fixtures.model(2), Fixtures.segmentation("lungs")));
    assertEquals(List.of(1), store.versions("lungs"));
  }

  @Test
  void aDamagedRecordIsPassedOverAndTheVersionFoundInTheManifests() throws IOException {
    ModelStore store = ModelStore.oncePerRequest(root);
    PublishedModel lungs = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    Files.write(root.resolve(RequestRecords.DIRECTORY).resolve("lungs-001.published"), new byte[] {(byte) 0xff, 1, 2});

    assertEquals(Optional.of(lungs.manifest()), store.publishedFor("lungs-001"));
    assertThrows(RequestAlreadyPublishedException.class,
        () -> store.publish("hearts", Fixtures.model(2), Fixtures.segmentation("hearts")));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aPlainStoreStillPublishesEveryCall() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    store.publish("lungs", Fixtures.model(2), Fixtures.segmentation("lungs"));
    assertEquals(List.of(1, 2), store.versions("lungs"));
  }

  @Test
  void ofEightPublishersRacingWithOneRequestExactlyOneWins() throws Exception {
    int publishers = 8;
    CyclicBarrier start = new CyclicBarrier(publishers);
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    try {
      List<Future<PublishedModel>> results = new ArrayList<>();
      for (int i = 0; i < publishers; i++) {
        int seed = i;
        // Each its own store object. In one JVM the store's monitor orders them before the file
        // lock does, so this covers exclusion within a process only: no test races two processes
        // on the file lock (DeliveryFaultsTest kills and restarts workers, it does not race them).
        ModelStore store = ModelStore.oncePerRequest(root);
        results.add(pool.submit(() -> {
          start.await();
          return store.publish(seed % 2 == 0 ? "lungs" : "hearts", Fixtures.model(seed),
              Fixtures.segmentation(seed % 2 == 0 ? "lungs" : "hearts"));
        }));
      }
      List<PublishedModel> won = new ArrayList<>();
      List<ModelManifest> answers = new ArrayList<>();
      for (Future<PublishedModel> r : results) {
        try {
          won.add(r.get());
        } catch (ExecutionException e) {
          answers.add(((RequestAlreadyPublishedException) e.getCause()).published());
        }
      }
      assertEquals(1, won.size(), "one winner");
      assertTrue(answers.stream().allMatch(won.get(0).manifest()::equals), "every loser answered with the winner's");
      ModelStore store = new ModelStore(root);
      assertEquals(1, store.tasks().stream().mapToInt(t -> {
        try {
          return store.versions(t).size();
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }).sum(), "one version in the whole store");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void attemptsAreCountedAcrossStoreObjectsPerRequest() throws IOException {
    assertEquals(1, ModelStore.oncePerRequest(root).nextAttempt("a"));
    assertEquals(2, ModelStore.oncePerRequest(root).nextAttempt("a"));
    assertEquals(1, ModelStore.oncePerRequest(root).nextAttempt("b"));
    assertEquals(3, ModelStore.oncePerRequest(root).nextAttempt("a"));
    assertEquals(Optional.empty(), ModelStore.oncePerRequest(root).publishedFor("a"));
    assertEquals(Set.of(), new ModelStore(root).tasks(), "the records are no task");
  }
}
