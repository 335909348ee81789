package org.medlora.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.ArtifactInfo;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.ModelManifest;

class ModelStoreTest {

  @TempDir Path root;

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void flipOneByte(Path file, int index) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[index] ^= 0x01;
    Files.write(file, b);
  }

  @Test
  void publishingTwiceGivesVersionsOneAndTwoWithTheDigestOfEachModel() throws IOException {
    ModelStore store = new ModelStore(root);
    byte[] first = Fixtures.model(1);
    byte[] second = Fixtures.model(2);
    Path secondFile = Files.write(root.resolve("second.onnx"), second);

    PublishedModel v1 = store.publish("lungs", first, Fixtures.segmentation("lungs"));
    PublishedModel v2 = store.publish("lungs", secondFile, Fixtures.segmentation("lungs"));

    assertEquals(List.of(1, 2), store.versions("lungs"));
    assertEquals(1, v1.version());
    assertEquals(2, v2.version());
    // The store numbers the version and digests the bytes it wrote; the rest is the draft.
    assertEquals(1, v1.manifest().version());
    assertEquals(Fixtures.sha256(first), v1.manifest().modelSha256());
    assertEquals(Fixtures.sha256(second), v2.manifest().modelSha256());
    assertEquals(Fixtures.segmentation("lungs"), v2.manifest().draft());
    assertEquals(Fixtures.segmentation("lungs").toManifest(2, Fixtures.sha256(second)),
        v2.manifest());

    Path dir1 = root.resolve("lungs/1");
    assertEquals(dir1, v1.directory());
    assertEquals(dir1.resolve("model.onnx"), v1.modelFile());
    assertArrayEquals(first, Files.readAllBytes(dir1.resolve("model.onnx")));
    assertArrayEquals(second, Files.readAllBytes(root.resolve("lungs/2/model.onnx")));
    ModelManifest onDisk =
        ManifestCodec.fromJson(Files.readString(root.resolve("lungs/2/manifest.json")));
    assertEquals(v2.manifest(), onDisk);
    assertEquals(List.of("manifest.json", "model.onnx"), names(dir1));
    // No temporaries left behind.
    assertEquals(List.of("1", "2", "config.pbtxt"), names(root.resolve("lungs")));
  }

  @Test
  void latestIsTheNewestVersionAndEmptyForAnUnknownTask() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    store.publish("lungs", Fixtures.model(2), Fixtures.segmentation("lungs"));

    PublishedModel latest = store.latest("lungs").orElseThrow();
    assertEquals(2, latest.version());
    assertEquals(Fixtures.sha256(Fixtures.model(2)), latest.manifest().modelSha256());
    assertEquals(Optional.empty(), store.latest("heart"));
    assertEquals(List.of(), store.versions("heart"));
    assertEquals(Set.of("lungs"), store.tasks());
  }

  @Test
  void anEmptyOrMissingStoreHasNoTasks() throws IOException {
    assertEquals(Set.of(), new ModelStore(root.resolve("not-yet")).tasks());
    assertEquals(Set.of(), new ModelStore(root).tasks());
  }

  @Test
  void aModelWithOneByteFlippedIsRefusedNamingBothDigests() throws IOException {
    ModelStore store = new ModelStore(root);
    byte[] model = Fixtures.model(1);
    store.publish("lungs", model, Fixtures.segmentation("lungs"));
    Path file = root.resolve("lungs/1/model.onnx");
    flipOneByte(file, 1234);
    model[1234] ^= 0x01;

    CorruptModelException e =
        assertThrows(CorruptModelException.class, () -> store.open("lungs", 1));
    assertEquals(file, e.file());
    assertEquals(
        file + ": expected sha256 " + Fixtures.sha256(Fixtures.model(1))
            + " (from manifest.json), found sha256 " + Fixtures.sha256(model)
            + "; republish the model to get a new version; versions are immutable, so remove "
            + "this version directory rather than repairing it",
        e.getMessage());
    // latest() does not quietly fall back to an older version.
    assertThrows(CorruptModelException.class, () -> store.latest("lungs"));
  }

  @Test
  void theManifestOfAVersionWhoseModelIsCorruptIsReadWithoutHashingTheModel() throws IOException {
    ModelStore store = new ModelStore(root);
    PublishedModel v1 = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    flipOneByte(root.resolve("lungs/1/model.onnx"), 1234);

    assertEquals(v1.manifest(), store.manifest("lungs", 1));
    assertThrows(CorruptModelException.class, () -> store.open("lungs", 1));
  }

  @Test
  void theCheapManifestReadStillChecksTheManifest() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    Path copy = Files.createDirectories(root.resolve("lungs/3"));
    Files.copy(root.resolve("lungs/1/manifest.json"), copy.resolve("manifest.json"));

    CorruptModelException e =
        assertThrows(CorruptModelException.class, () -> store.manifest("lungs", 3));
    assertTrue(e.getMessage().contains(
        "expected task lungs version 3 (from the directory), found task lungs version 1"),
        e.getMessage());
    NoSuchFileException missing =
        assertThrows(NoSuchFileException.class, () -> store.manifest("lungs", 4));
    assertTrue(missing.getMessage().contains("no version 4 of task lungs; published: [1, 3]"),
        missing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.manifest("lungs", 0));
  }

  @Test
  void anUnparseableManifestIsRefused() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    Path manifest = root.resolve("lungs/1/manifest.json");
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.substring(0, json.length() / 2));

    CorruptModelException e =
        assertThrows(CorruptModelException.class, () -> store.open("lungs", 1));
    assertEquals(manifest, e.file());
    assertTrue(e.getMessage().startsWith(manifest + ": expected a valid model manifest, found "
        + "invalid model manifest: not valid JSON"), e.getMessage());
    assertTrue(e.getMessage().endsWith("rather than repairing it"), e.getMessage());
  }

  @Test
  void aManifestWithATamperedValueIsRefusedNamingTheField() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    Path manifest = root.resolve("lungs/1/manifest.json");
    Files.writeString(manifest,
        Files.readString(manifest).replace("\"opset\": 17", "\"opset\": \"17\""));
    CorruptModelException e =
        assertThrows(CorruptModelException.class, () -> store.open("lungs", 1));
    assertTrue(e.getMessage().contains("field 'opset' must be an integer"), e.getMessage());
  }

  @Test
  void aManifestThatIsNotUtf8IsRefused() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    Path manifest = root.resolve("lungs/1/manifest.json");
    byte[] b = Files.readAllBytes(manifest);
    b[b.length - 10] = (byte) 0xff;
    Files.write(manifest, b);
    CorruptModelException e =
        assertThrows(CorruptModelException.class, () -> store.open("lungs", 1));
    assertTrue(e.getMessage().contains("expected UTF-8 text"), e.getMessage());
  }

  @Test
  void aManifestWhoseVersionOrTaskDisagreesWithItsDirectoryIsRefused() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    // A copy under another number or task carries the original manifest.
    for (String copy : List.of("lungs/5", "heart/1")) {
      Path to = Files.createDirectories(root.resolve(copy));
      for (String f : List.of("model.onnx", "manifest.json")) {
        Files.copy(root.resolve("lungs/1").resolve(f), to.resolve(f));
      }
    }
    CorruptModelException wrongVersion =
        assertThrows(CorruptModelException.class, () -> store.open("lungs", 5));
    assertTrue(wrongVersion.getMessage().contains(
        "expected task lungs version 5 (from the directory), found task lungs version 1"),
        wrongVersion.getMessage());
    CorruptModelException wrongTask =
        assertThrows(CorruptModelException.class, () -> store.open(root.resolve("heart/1")));
    assertTrue(wrongTask.getMessage().contains(
        "expected task heart version 1 (from the directory), found task lungs version 1"),
        wrongTask.getMessage());
  }

  @Test
  void aVersionWithoutItsModelIsRefused() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    Files.delete(root.resolve("lungs/1/model.onnx"));
    CorruptModelException e =
        assertThrows(CorruptModelException.class, () -> store.open("lungs", 1));
    assertTrue(e.getMessage().contains("found no such file"), e.getMessage());
  }

  @Test
  void leftoverTemporariesAndNonCanonicalNamesAreNotVersions() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    Path task = root.resolve("lungs");
    // What a crashed publisher leaves, and names Triton would not load.
    Path crashed = Files.createDirectories(task.resolve(".tmp-crashed"));
    Files.write(crashed.resolve("model.onnx"), Fixtures.model(7));
    Files.createDirectories(task.resolve("007"));
    Files.createDirectories(task.resolve("0"));
    Files.createDirectories(task.resolve("latest"));
    Files.createDirectories(task.resolve("12345678901"));
    Files.createDirectories(root.resolve(".tmp-orphan/1"));
    Files.createDirectories(root.resolve("Not_A_Task/1"));
    Files.createDirectories(root.resolve("empty-task"));

    assertEquals(List.of(1), store.versions("lungs"));
    assertEquals(Set.of("lungs"), store.tasks());
    assertEquals(2, store.publish("lungs", Fixtures.model(2), Fixtures.segmentation("lungs"))
        .version());
    assertEquals(List.of(1, 2), store.versions("lungs"));
    assertTrue(Files.isDirectory(crashed), "someone else's temporary is left alone");
  }

  @Test
  void aNumberTakenByAFileIsSkippedAndTheFileKept() throws IOException {
    ModelStore store = new ModelStore(root);
    Path task = Files.createDirectories(root.resolve("lungs"));
    Files.writeString(task.resolve("1"), "not a version");
    PublishedModel published =
        store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    assertEquals(2, published.version());
    assertEquals("not a version", Files.readString(task.resolve("1")));
    assertEquals(List.of(2), store.versions("lungs"));
  }

  @Test
  void losingTheRaceForANumberTakesTheNextAndLeavesTheWinnerIntact() throws IOException {
    Path storeRoot = root.resolve("store");
    ModelStore rival = new ModelStore(storeRoot);
    boolean[] raced = {false};
    // Just before our rename to 1, another publisher takes 1.
    ModelStore store = new ModelStore(storeRoot, version -> {
      if (!raced[0]) {
        raced[0] = true;
        assertEquals(1, version);
        rival.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
      }
    }, false);
    PublishedModel ours = store.publish("lungs", Fixtures.model(2), Fixtures.segmentation("lungs"));

    assertTrue(raced[0]);
    assertEquals(2, ours.version());
    assertEquals(2, ours.manifest().version());
    assertEquals(List.of(1, 2), store.versions("lungs"));
    assertArrayEquals(Fixtures.model(1), Files.readAllBytes(store.open("lungs", 1).modelFile()));
    assertArrayEquals(Fixtures.model(2), Files.readAllBytes(store.open("lungs", 2).modelFile()));
    assertEquals(List.of("1", "2", "config.pbtxt"), names(storeRoot.resolve("lungs")));
  }

  @RepeatedTest(5)
  void twoThreadsPublishingAtOnceGetDistinctVersionsThatBothOpen() throws Exception {
    ModelStore store = new ModelStore(root);
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<PublishedModel>> futures = new ArrayList<>();
      for (int seed = 1; seed <= 2; seed++) {
        byte[] model = Fixtures.model(seed, 1 << 20);
        futures.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          return store.publish("lungs", model, Fixtures.segmentation("lungs"));
        }));
      }
      PublishedModel a = futures.get(0).get(60, TimeUnit.SECONDS);
      PublishedModel b = futures.get(1).get(60, TimeUnit.SECONDS);
      assertEquals(Set.of(1, 2), Set.of(a.version(), b.version()));
      assertEquals(List.of(1, 2), store.versions("lungs"));
      for (PublishedModel p : List.of(a, b)) {
        PublishedModel opened = store.open("lungs", p.version());
        assertEquals(p, opened);
      }
      assertEquals(Fixtures.sha256(Fixtures.model(1, 1 << 20)), a.manifest().modelSha256());
      assertEquals(Fixtures.sha256(Fixtures.model(2, 1 << 20)), b.manifest().modelSha256());
      // The config follows the newest version whichever publisher wrote last.
      assertEquals(TritonConfig.render(store.latest("lungs").orElseThrow().manifest()),
          Files.readString(root.resolve("lungs/config.pbtxt")));
      assertEquals(List.of("1", "2", "config.pbtxt"), names(root.resolve("lungs")));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void configFollowsTheNewestVersion() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs", 448));
    Path config = root.resolve("lungs/config.pbtxt");
    assertEquals(TritonConfig.render(store.open("lungs", 1).manifest()), Files.readString(config));
    store.publish("lungs", Fixtures.model(2), Fixtures.segmentation("lungs", 224));
    String text = Files.readString(config, UTF_8);
    assertTrue(text.contains("dims: [ 3, 224, 224 ]"), text);
    assertFalse(text.contains("448"), text);
  }

  @Test
  void aLargeModelFileIsCopiedAndHashedWhole() throws IOException {
    // Larger than, and not a multiple of, the copy buffer.
    byte[] big = Fixtures.model(3, 3 * Sha256.BUFFER_BYTES + 17);
    Path file = Files.write(root.resolve("big.onnx"), big);
    ModelStore store = new ModelStore(root.resolve("store"));
    PublishedModel p = store.publish("lungs", file, Fixtures.segmentation("lungs"));
    assertEquals(Fixtures.sha256(big), p.manifest().modelSha256());
    assertEquals(p, store.open(p.directory()));
  }

  @Test
  void publishRefusesAManifestOfAnotherTaskAndBadNames() throws IOException {
    ModelStore store = new ModelStore(root);
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> store.publish("heart", Fixtures.model(1), Fixtures.segmentation("lungs")));
    assertEquals("the manifest is for task lungs, not heart", other.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> store.publish("../escape", Fixtures.model(1), Fixtures.segmentation("lungs")));
    assertThrows(IllegalArgumentException.class,
        () -> store.publish("lungs", new byte[0], Fixtures.segmentation("lungs")));
    assertThrows(IllegalArgumentException.class, () -> store.versions("../etc"));
    assertThrows(IllegalArgumentException.class, () -> store.open("lungs", 0));
    assertEquals(List.of(), names(root));
  }

  /** Files standing in for a kept adapter and head, written outside the store. */
  private Map<String, Path> artifactFiles() throws IOException {
    Path staged = Files.createDirectories(root.resolve("staged"));
    return Map.of(
        "head.safetensors", Files.write(staged.resolve("h"), Fixtures.model(11, 300)),
        "adapter/adapter_model.safetensors", Files.write(staged.resolve("a"), Fixtures.model(12, 5000)),
        "adapter/adapter_config.json", Files.writeString(staged.resolve("c"), "{\"r\": 2}"));
  }

  @Test
  void artifactsAreKeptInTheVersionWithTheDigestsTheStoreComputed() throws IOException {
    ModelStore store = new ModelStore(root.resolve("store"));
    Map<String, Path> files = artifactFiles();
    PublishedModel p = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"), files);

    Path dir = root.resolve("store/lungs/1");
    assertEquals(List.of("adapter", "head.safetensors", "manifest.json", "model.onnx"), names(dir));
    assertEquals(List.of("adapter_config.json", "adapter_model.safetensors"), names(dir.resolve("adapter")));
    // Sorted by path, digested independently of the store's own hashing.
    List<ArtifactInfo> expected = new ArrayList<>();
    for (String path : List.of("adapter/adapter_config.json", "adapter/adapter_model.safetensors",
        "head.safetensors")) {
      byte[] bytes = Files.readAllBytes(files.get(path));
      assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(path)));
      expected.add(new ArtifactInfo(path, Fixtures.sha256(bytes), bytes.length));
    }
    assertEquals(expected, p.manifest().artifacts());
    assertEquals(p.manifest(), ManifestCodec.fromJson(Files.readString(dir.resolve("manifest.json"))));
    assertEquals(Fixtures.segmentation("lungs"), p.manifest().draft());

    PublishedModel opened = store.open("lungs", 1);
    Map<String, Path> kept = store.artifacts(opened);
    assertEquals(List.of("adapter/adapter_config.json", "adapter/adapter_model.safetensors", "head.safetensors"),
        List.copyOf(kept.keySet()));
    assertEquals(dir.resolve("head.safetensors"), kept.get("head.safetensors"));
    assertEquals(List.of("1", "config.pbtxt"), names(root.resolve("store/lungs")), "no temporaries left");
    assertEquals(Map.of(), store.artifacts(store.publish("lungs", Fixtures.model(2), Fixtures.segmentation("lungs"))));
  }

  @Test
  void anArtifactWithOneByteFlippedIsRefusedNamingBothDigests() throws IOException {
    ModelStore store = new ModelStore(root.resolve("store"));
    Map<String, Path> files = artifactFiles();
    PublishedModel p = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"), files);
    Path adapter = p.directory().resolve("adapter/adapter_model.safetensors");
    flipOneByte(adapter, 4000);

    assertEquals(p, store.open("lungs", 1), "the model itself still opens");
    CorruptModelException e = assertThrows(CorruptModelException.class, () -> store.artifacts(p));
    assertEquals(adapter, e.file());
    byte[] flipped = Files.readAllBytes(adapter);
    assertEquals(adapter + ": expected sha256 " + Fixtures.sha256(Files.readAllBytes(files.get(
            "adapter/adapter_model.safetensors"))) + " (from manifest.json), found sha256 "
            + Fixtures.sha256(flipped) + "; " + CorruptModelException.REPUBLISH,
        e.getMessage());

    Files.write(adapter, new byte[] {1, 2, 3});
    assertTrue(assertThrows(CorruptModelException.class, () -> store.artifacts(p)).getMessage()
        .contains("expected 5000 bytes (from manifest.json), found 3 bytes"));
    Files.delete(p.directory().resolve("head.safetensors"));
    Files.write(adapter, Files.readAllBytes(files.get("adapter/adapter_model.safetensors")));
    assertTrue(assertThrows(CorruptModelException.class, () -> store.artifacts(p)).getMessage()
        .contains("head.safetensors: expected the artifact with sha256 "));
  }

  @Test
  void artifactPathsThatLeaveTheVersionOrTakeTheStoresNamesAreRefusedBeforeAnythingIsWritten()
      throws IOException {
    Path file = Files.write(root.resolve("part"), Fixtures.model(3, 64));
    ModelStore store = new ModelStore(root.resolve("store"));
    for (String bad : List.of("../escape.safetensors", "adapter/../../x", "/tmp/x", ".hidden", "a//b")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"), Map.of(bad, file)));
      assertEquals("cannot keep the artifacts: path must be a relative path inside the version directory: names "
          + "of A-Z, a-z, 0-9, '.', '_' and '-' not starting with '.', joined by '/', got \"" + bad + "\"",
          e.getMessage());
    }
    IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
        () -> store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"), Map.of("model.onnx", file)));
    assertEquals("cannot keep the artifacts: path \"model.onnx\" is the store's own file; keep the artifact "
        + "under another name", own.getMessage());
    IllegalArgumentException nested = assertThrows(IllegalArgumentException.class,
        () -> store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"),
            Map.of("adapter", file, "adapter/adapter_config.json", file)));
    assertTrue(nested.getMessage().contains("must not hold both the file \"adapter\""), nested.getMessage());
    NoSuchFileException missing = assertThrows(NoSuchFileException.class,
        () -> store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"),
            Map.of("head.safetensors", root.resolve("nowhere"))));
    assertTrue(missing.getMessage().contains("no file to keep as artifact head.safetensors"), missing.getMessage());
    assertFalse(Files.exists(root.resolve("store")), "nothing written");
    assertFalse(Files.exists(root.resolve("escape.safetensors")));
  }

  @Test
  void openingAMissingVersionSaysWhichExist() throws IOException {
    ModelStore store = new ModelStore(root);
    store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> store.open("lungs", 4));
    assertTrue(e.getMessage().contains("no version 4 of task lungs; published: [1]"),
        e.getMessage());
  }

  @Test
  void openByPathNeedsATaskAndVersionDirectory() throws IOException {
    ModelStore store = new ModelStore(root);
    PublishedModel p = store.publish("lungs", Fixtures.model(1), Fixtures.segmentation("lungs"));
    assertEquals(p, store.open(root.resolve("lungs/./1")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.open(root.resolve("lungs")));
    assertTrue(e.getMessage().startsWith("expected a <task>/<version> directory"),
        e.getMessage());
    assertThrows(NoSuchFileException.class, () -> store.open(root.resolve("lungs/9")));
  }
}
