package org.medlora.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.medlora.contracts.ArtifactInfo;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.ManifestDraft;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.TrainingRequest;

/**
 * A directory of published models in Triton's model-repository layout:
 *
 * <pre>
 * &lt;root&gt;/&lt;task&gt;/config.pbtxt
 * &lt;root&gt;/&lt;task&gt;/&lt;version&gt;/model.onnx
 * &lt;root&gt;/&lt;task&gt;/&lt;version&gt;/manifest.json
 * &lt;root&gt;/&lt;task&gt;/&lt;version&gt;/... artifacts: files kept beside the model, listed in the manifest
 * </pre>
 *
 * <p>Versions count from 1 and are immutable. A version appears under its number complete or not
 * at all: it is written into a hidden temporary directory beside the versions, synced, checked,
 * then renamed into place in one atomic step, so readers (and Triton) never see half a model.
 * Several publishers, in one process or several, may publish to the same task at once; each gets
 * its own number. Only directories named by a canonical number ({@code 3}, not {@code 03}) are
 * versions, as for Triton; dot-names, such as the temporaries a crashed publisher leaves, are
 * ignored.
 *
 * <p>Opening a version checks it: the manifest parses, names this task and version, and the
 * model's SHA-256 equals the manifest's; otherwise {@link CorruptModelException}. Reading only
 * its {@link #manifest manifest} makes the first two checks and leaves the model unread. Its
 * artifacts are checked by {@link #artifacts}, when they are wanted: a server never reads them.
 *
 * <p>A store made with {@link #oncePerRequest} is the arbiter between workers that may train the
 * same request twice (a rebalance, a redelivery): it publishes at most one version per training
 * request id, across tasks and processes, and counts each request's attempts. What it keeps for
 * that lies in {@code <root>/.requests/}, which is no task (task names have no dot). There every
 * store also records where a training request's version lies when it publishes one, so that
 * {@link #publishedFor} reads one record and one manifest. The manifests stay the truth: before
 * it publishes, under the request's lock, the arbiter reads every task's manifests when no record
 * leads to a version, so a version that has none (published by a build from before the records,
 * or copied in by hand) still counts.
 */
public final class ModelStore {

  static final String MODEL_FILE = "model.onnx";
  static final String MANIFEST_FILE = "manifest.json";
  static final String CONFIG_FILE = "config.pbtxt";
  static final String TEMP_PREFIX = ".tmp-";

  /** Canonical decimal, at most 9 digits so every version fits an int. */
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

  private static final int MAX_VERSION = 999_999_999;

  /** Manifests are a few KB; anything this large is not one. */
  private static final long MAX_MANIFEST_BYTES = 1L << 20;

  /** Bounds the retries when publishers race for numbers; each retry means another one won. */
  private static final int MAX_ATTEMPTS = 1000;

  /** Called with the chosen number just before the rename; lets tests lose a race on purpose. */
  @FunctionalInterface
  interface RenameHook {
    void beforeRename(int version) throws IOException;
  }

  private final Path root;
  private final RenameHook renameHook;
  private final RequestRecords requests;
  private final boolean oncePerRequest;

  /** A store at {@code root}, which is created by the first {@code publish}. */
  public ModelStore(Path root) {
    this(root, version -> {}, false);
  }

  ModelStore(Path root, RenameHook renameHook, boolean oncePerRequest) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.renameHook = Objects.requireNonNull(renameHook, "renameHook");
    this.requests = new RequestRecords(this.root);
    this.oncePerRequest = oncePerRequest;
  }

  /**
   * A store at {@code root} that publishes at most one version per training request id: a
   * publish whose manifest names a request that already produced a version, of any task, throws
   * {@link RequestAlreadyPublishedException} and leaves no trace. The check and the rename into
   * place happen under the request's lock, so two workers racing with one request id cannot both
   * publish. What the workers sharing a store use; a manifest without a request is not limited.
   */
  public static ModelStore oncePerRequest(Path root) {
    return new ModelStore(root, version -> {}, true);
  }

  /**
   * The manifest of the version that training request {@code requestId} produced, of whichever
   * task, if any. Reads the request's record of where its version lies and that version's
   * manifest (no model is hashed), so its cost does not grow with the store. The manifest stays
   * the authority: a record is believed only as far as the manifest it points at names the
   * request. A version whose manifest is damaged is passed over: it cannot be trusted to name its
   * request, and nothing can serve it.
   *
   * <p>A look-up writes in {@code <root>/.requests/}: the first in a store whose versions predate
   * the records reads every manifest once, records the versions found and marks the store
   * recorded; a record left without its version number (the publisher died after the rename) is
   * completed by reading that task's manifests. After that mark a version without a record is not
   * found here; only a store made with {@link #oncePerRequest}, before it publishes, looks for one
   * in every manifest.
   */
  public Optional<ModelManifest> publishedFor(String requestId) throws IOException {
    try {
      TrainingRequest.checkRequestId(requestId);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // no manifest names such an id: its request was refused
    }
    if (!requests.allRecorded()) {
      recordEveryVersion();
    }
    Optional<RequestRecords.Published> where = requests.published(requestId);
    if (where.isEmpty()) {
      return Optional.empty();
    }
    RequestRecords.Published p = where.get();
    if (p.version() > 0) {
      return readableManifest(p.task(), p.version()).filter(m -> names(m, requestId));
    }
    return findAndRecord(requestId, p.task() == null ? tasks() : Set.of(p.task()));
  }

  /**
   * {@link #publishedFor}, or if no record leads to a version, the first version in any task
   * whose manifest names the request (then recorded): the records can miss a version that was
   * published without one. Called before publishing, once per training run, so reading the whole
   * store costs nothing next to the training.
   */
  private Optional<ModelManifest> publishedAnywhereFor(String requestId) throws IOException {
    Optional<ModelManifest> recorded = publishedFor(requestId);
    return recorded.isPresent() ? recorded : findAndRecord(requestId, tasks());
  }

  /** The first version among {@code tasks} whose manifest names {@code requestId}, recorded. */
  private Optional<ModelManifest> findAndRecord(String requestId, Set<String> tasks) throws IOException {
    Optional<ModelManifest> found = find(requestId, tasks);
    if (found.isPresent()) {
      requests.record(requestId, found.get().task(), found.get().version());
    }
    return found;
  }

  /** Records the version of every request that has none recorded: for versions from before the records. */
  private void recordEveryVersion() throws IOException {
    for (String task : tasks()) {
      for (int version : versions(task)) {
        Optional<ModelManifest> m = readableManifest(task, version);
        if (m.isPresent() && m.get().training() != null
            && requests.published(m.get().training().requestId()).isEmpty()) {
          requests.record(m.get().training().requestId(), task, version);
        }
      }
    }
    requests.markAllRecorded();
  }

  /** The first version among {@code tasks} whose manifest names {@code requestId}. */
  private Optional<ModelManifest> find(String requestId, Set<String> tasks) throws IOException {
    for (String task : tasks) {
      for (int version : versions(task)) {
        Optional<ModelManifest> m = readableManifest(task, version).filter(x -> names(x, requestId));
        if (m.isPresent()) {
          return m;
        }
      }
    }
    return Optional.empty();
  }

  /** The version's manifest; empty if it is damaged or the version is gone. */
  private Optional<ModelManifest> readableManifest(String task, int version) throws IOException {
    try {
      return Optional.of(manifest(task, version));
    } catch (CorruptModelException | NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static boolean names(ModelManifest m, String requestId) {
    return m.training() != null && requestId.equals(m.training().requestId());
  }

  /**
   * Counts one more attempt at training request {@code requestId} and returns its number: 1 the
   * first time, then 2, 3, ... across the processes sharing this store, crashes included.
   *
   * @throws IllegalStateException unless this store was made with {@link #oncePerRequest}
   */
  public int nextAttempt(String requestId) throws IOException {
    if (!oncePerRequest) {
      throw new IllegalStateException("only a store made with ModelStore.oncePerRequest counts attempts");
    }
    return requests.nextAttempt(requestId);
  }

  /** The store's directory. */
  public Path root() {
    return root;
  }

  /**
   * Publishes {@code modelOnnx} as the next version of {@code task}, keeping nothing beside it;
   * see {@link #publish(String, Path, ManifestDraft, Map)}.
   */
  public PublishedModel publish(String task, byte[] modelOnnx, ManifestDraft draft)
      throws IOException {
    return publish(task, modelOnnx, draft, Map.of());
  }

  /**
   * Publishes {@code modelOnnx} as the next version of {@code task} with {@code artifacts}; see
   * {@link #publish(String, Path, ManifestDraft, Map)}.
   */
  public PublishedModel publish(
      String task, byte[] modelOnnx, ManifestDraft draft, Map<String, Path> artifacts)
      throws IOException {
    Objects.requireNonNull(modelOnnx, "modelOnnx");
    if (modelOnnx.length == 0) {
      throw new IllegalArgumentException("modelOnnx is empty (0 bytes); expected an ONNX model");
    }
    return publish(task, draft, out -> out.write(modelOnnx), artifacts);
  }

  /**
   * Publishes the file {@code modelOnnx} as the next version of {@code task}, keeping nothing
   * beside it; see {@link #publish(String, Path, ManifestDraft, Map)}.
   */
  public PublishedModel publish(String task, Path modelOnnx, ManifestDraft draft)
      throws IOException {
    return publish(task, modelOnnx, draft, Map.of());
  }

  /**
   * Publishes the file {@code modelOnnx} as the next version of {@code task}: the number after the
   * highest existing one. The files in {@code artifacts}, keyed by their path in the version
   * directory (e.g. {@code adapter/adapter_model.safetensors}), are copied beside the model in the
   * same temporary directory, so they appear with the version or not at all. The manifest is the
   * draft with that number and the SHA-256 (and size) of every file as written. Also rewrites
   * {@code <task>/config.pbtxt} from the newest version's manifest.
   *
   * @throws IllegalArgumentException if {@code task} is not a valid task name or differs from the
   *     draft's, the model is empty, or an artifact path would leave the version directory, is
   *     used twice or is the store's own {@code model.onnx} or {@code manifest.json}
   * @throws NoSuchFileException if the model or an artifact file does not exist
   * @throws IOException if writing fails (then no version was created), or if the version was
   *     created but {@code config.pbtxt} could not be updated (the message says so)
   */
  public PublishedModel publish(
      String task, Path modelOnnx, ManifestDraft draft, Map<String, Path> artifacts)
      throws IOException {
    Objects.requireNonNull(modelOnnx, "modelOnnx");
    if (!Files.isRegularFile(modelOnnx)) {
      throw new NoSuchFileException(modelOnnx.toString(), null, "no model file to publish");
    }
    if (Files.size(modelOnnx) == 0) {
      throw new IllegalArgumentException(
          modelOnnx + " is empty (0 bytes); expected an ONNX model");
    }
    return publish(task, draft, out -> copy(modelOnnx, out), artifacts);
  }

  /** Published version numbers of {@code task}, ascending; empty if there are none. */
  public List<Integer> versions(String task) throws IOException {
    ModelManifest.checkTask(task);
    return versionsIn(root.resolve(task));
  }

  /** Tasks that have at least one published version, sorted. */
  public Set<String> tasks() throws IOException {
    Set<String> tasks = new TreeSet<>();
    for (Path dir : list(root)) {
      String name = dir.getFileName().toString();
      if (isTaskName(name) && Files.isDirectory(dir) && !versionsIn(dir).isEmpty()) {
        tasks.add(name);
      }
    }
    return Collections.unmodifiableSet(tasks);
  }

  /**
   * The newest version of {@code task}, verified, or empty if none was published.
   *
   * @throws CorruptModelException if the newest version fails its checks: an older one is not
   *     served in its place silently
   */
  public Optional<PublishedModel> latest(String task) throws IOException {
    List<Integer> versions = versions(task);
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(open(task, versions.get(versions.size() - 1)));
  }

  /**
   * Opens and verifies one version.
   *
   * @throws NoSuchFileException if there is no such version
   * @throws CorruptModelException if it fails its checks
   */
  public PublishedModel open(String task, int version) throws IOException {
    return verify(versionDir(task, version), task, version);
  }

  /**
   * The manifest of one version, checked to parse and to name this task and version, without
   * hashing {@code model.onnx}: cheap enough for listings and look-ups. Only {@link #open}
   * verifies the model, so open the version before running it.
   *
   * @throws NoSuchFileException if there is no such version
   * @throws CorruptModelException if the manifest fails its checks
   */
  public ModelManifest manifest(String task, int version) throws IOException {
    return checkedManifest(versionDir(task, version), task, version);
  }

  /**
   * Opens and verifies the version in {@code versionDir}, a {@code <task>/<version>} directory of
   * this store or of a copy of it.
   *
   * @throws IllegalArgumentException if the path is not shaped like {@code <task>/<version>}
   * @throws NoSuchFileException if the directory does not exist
   * @throws CorruptModelException if it fails its checks
   */
  public PublishedModel open(Path versionDir) throws IOException {
    Path dir = versionDir.toAbsolutePath().normalize();
    Path parent = dir.getParent();
    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
    String task = parent == null || parent.getFileName() == null
        ? "" : parent.getFileName().toString();
    if (!VERSION.matcher(name).matches() || !isTaskName(task)) {
      throw new IllegalArgumentException(
          "expected a <task>/<version> directory such as lungs/3, got " + versionDir);
    }
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such version directory");
    }
    return verify(dir, task, Integer.parseInt(name));
  }

  // ---- publishing ----

  /** Writes a file's bytes to a stream; called once. */
  @FunctionalInterface
  private interface ContentSource {
    void writeTo(OutputStream out) throws IOException;
  }

  private PublishedModel publish(
      String task, ManifestDraft draft, ContentSource source, Map<String, Path> artifacts)
      throws IOException {
    ModelManifest.checkTask(task);
    Objects.requireNonNull(draft, "draft");
    if (!draft.task().equals(task)) {
      throw new IllegalArgumentException(
          "the manifest is for task " + draft.task() + ", not " + task);
    }
    Map<String, Path> kept = checkArtifacts(artifacts);
    Path taskDir = root.resolve(task);
    Files.createDirectories(taskDir);
    // Inside the task directory, so the final rename stays on one file system and is atomic.
    Path temp = taskDir.resolve(TEMP_PREFIX + UUID.randomUUID());
    Files.createDirectory(temp);
    boolean renamed = false;
    try {
      String sha = writeVerified(temp.resolve(MODEL_FILE), source);
      List<ArtifactInfo> written = writeArtifacts(temp, kept);
      PublishedModel published;
      String requestId = draft.training() == null ? null : draft.training().requestId();
      if (requestId == null) {
        published = renameIntoPlace(task, taskDir, temp, draft, sha, written);
      } else if (oncePerRequest) {
        published = requests.locked(requestId, () -> {
          Optional<ModelManifest> earlier = publishedAnywhereFor(requestId);
          if (earlier.isPresent()) {
            throw new RequestAlreadyPublishedException(earlier.get());
          }
          return renameAndRecord(requestId, task, taskDir, temp, draft, sha, written);
        });
      } else if (publishedFor(requestId).isPresent()) {
        // A plain store publishes every call; the record keeps naming the request's first version.
        published = renameIntoPlace(task, taskDir, temp, draft, sha, written);
      } else {
        published = renameAndRecord(requestId, task, taskDir, temp, draft, sha, written);
      }
      renamed = true;
      return published;
    } finally {
      if (!renamed) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * Renames the first version of {@code requestId} into place and records where it lies. The
   * task is recorded first: should this process die after the rename, look-ups search that task.
   * A record another publisher completed meanwhile (a plain store's race) is left naming theirs.
   */
  private PublishedModel renameAndRecord(String requestId, String task, Path taskDir, Path temp, ManifestDraft draft,
      String sha, List<ArtifactInfo> written) throws IOException {
    requests.record(requestId, task, 0);
    PublishedModel published = renameIntoPlace(task, taskDir, temp, draft, sha, written);
    if (requests.published(requestId).equals(Optional.of(new RequestRecords.Published(task, 0)))) {
      requests.record(requestId, task, published.version());
    }
    return published;
  }

  /** Gives the finished temporary directory the next free version number, then updates the config. */
  private PublishedModel renameIntoPlace(String task, Path taskDir, Path temp, ManifestDraft draft, String sha,
      List<ArtifactInfo> written) throws IOException {
    int version = nextVersion(taskDir);
    for (int attempt = 1; ; attempt++) {
      ModelManifest m = draft.toManifest(version, sha, written);
      writeManifest(temp.resolve(MANIFEST_FILE), m);
      syncDirectory(temp);
      Path target = taskDir.resolve(Integer.toString(version));
      if (tryRename(temp, target, version)) {
        syncDirectory(taskDir);
        updateConfig(taskDir, m);
        return new PublishedModel(task, version, target, target.resolve(MODEL_FILE), m);
      }
      if (attempt == MAX_ATTEMPTS) {
        throw new IOException(
            "gave up publishing " + task + " after " + attempt + " version numbers were "
                + "taken by other publishers; last tried " + version);
      }
      version = Math.max(version + 1, nextVersion(taskDir));
    }
  }

  /**
   * The artifacts sorted by path, once every path is known to stay inside the version directory
   * and every file to exist: refused before anything is written.
   */
  private static Map<String, Path> checkArtifacts(Map<String, Path> artifacts)
      throws NoSuchFileException {
    Objects.requireNonNull(artifacts, "artifacts");
    try {
      ArtifactInfo.checkPaths(artifacts.keySet());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot keep the artifacts: " + e.getMessage(), e);
    }
    Map<String, Path> sorted = new TreeMap<>(artifacts);
    for (Map.Entry<String, Path> a : sorted.entrySet()) {
      if (a.getKey().equals(MODEL_FILE) || a.getKey().equals(MANIFEST_FILE)) {
        throw new IllegalArgumentException("cannot keep the artifacts: path \"" + a.getKey()
            + "\" is the store's own file; keep the artifact under another name");
      }
      if (!Files.isRegularFile(Objects.requireNonNull(a.getValue(), a.getKey()))) {
        throw new NoSuchFileException(
            a.getValue().toString(), null, "no file to keep as artifact " + a.getKey());
      }
    }
    return sorted;
  }

  /** Copies each artifact into the version directory; returns what was written, by path. */
  private static List<ArtifactInfo> writeArtifacts(Path versionDir, Map<String, Path> artifacts)
      throws IOException {
    List<ArtifactInfo> written = new ArrayList<>();
    Set<Path> folders = new TreeSet<>();
    for (Map.Entry<String, Path> a : artifacts.entrySet()) {
      Path file = versionDir.resolve(a.getKey());
      folders.add(Files.createDirectories(file.getParent()));
      String sha = writeVerified(file, out -> copy(a.getValue(), out));
      written.add(new ArtifactInfo(a.getKey(), sha, Files.size(file)));
    }
    folders.forEach(ModelStore::syncDirectory);
    return written;
  }

  /** Writes, syncs and re-reads a file; returns its digest. */
  private static String writeVerified(Path file, ContentSource source) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE);
        OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), digest)) {
      source.writeTo(out);
      channel.force(true);
    }
    String written = Sha256.hex(digest);
    String reread = Sha256.of(file);
    if (!written.equals(reread)) {
      throw new IOException(
          file + ": wrote sha256 " + written + " but read back sha256 " + reread
              + "; the disk or file system is failing, publish again elsewhere");
    }
    return written;
  }

  /** Writes, syncs and re-reads the manifest; overwrites, since the file is still private. */
  private static void writeManifest(Path file, ModelManifest m) throws IOException {
    byte[] json = ManifestCodec.toJson(m).getBytes(UTF_8);
    try (FileChannel channel = FileChannel.open(file, CREATE, WRITE, TRUNCATE_EXISTING)) {
      writeFully(channel, json);
      channel.force(true);
    }
    ModelManifest back = readManifest(file);
    if (!back.equals(m)) {
      throw new IOException(
          file + ": read back a manifest that differs from the one written; the disk or file "
              + "system is failing, publish again elsewhere");
    }
  }

  /**
   * Renames the finished temporary directory to its version number; false if that number is
   * taken, so the caller tries the next one. Never replaces an existing version.
   */
  private boolean tryRename(Path temp, Path target, int version) throws IOException {
    if (Files.exists(target, NOFOLLOW_LINKS)) {
      return false;
    }
    renameHook.beforeRename(version);
    try {
      // rename(2): a non-empty directory, which every version is, is never replaced.
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      if (Files.exists(target, NOFOLLOW_LINKS)) {
        return false;
      }
      throw e;
    }
  }

  private int nextVersion(Path taskDir) throws IOException {
    List<Integer> versions = versionsIn(taskDir);
    int next = versions.isEmpty() ? 1 : versions.get(versions.size() - 1) + 1;
    if (next > MAX_VERSION) {
      throw new IOException(taskDir + " already holds version " + MAX_VERSION
          + ", the highest this store numbers; publish under a new task name");
    }
    return next;
  }

  /**
   * Rewrites config.pbtxt from the newest version's manifest. Publishers race, so this repeats
   * until the version rendered is still the newest after the write: whoever writes last then
   * wrote the newest, because any newer version's publisher writes again after its rename.
   */
  private void updateConfig(Path taskDir, ModelManifest published) throws IOException {
    try {
      ModelManifest rendered = published;
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        int newest = newestVersion(taskDir);
        if (newest != rendered.version()) {
          Path dir = taskDir.resolve(Integer.toString(newest));
          rendered = checkedManifest(dir, taskDir.getFileName().toString(), newest);
        }
        writeAtomically(taskDir.resolve(CONFIG_FILE), TritonConfig.render(rendered));
        if (newestVersion(taskDir) == rendered.version()) {
          return;
        }
      }
      throw new IOException("other publishers kept adding versions");
    } catch (IOException e) {
      throw new IOException(
          "version " + published.version() + " of task " + published.task() + " is published, "
              + "but " + taskDir.resolve(CONFIG_FILE) + " was not updated: " + e.getMessage(), e);
    }
  }

  private int newestVersion(Path taskDir) throws IOException {
    List<Integer> versions = versionsIn(taskDir);
    return versions.get(versions.size() - 1);
  }

  /** Temporary file, sync, atomic rename: readers see the old file or the new, never a mix. */
  static void writeAtomically(Path file, String text) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
        writeFully(channel, text.getBytes(UTF_8));
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(file.getParent());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static void copy(Path from, OutputStream to) throws IOException {
    byte[] buffer = new byte[Sha256.BUFFER_BYTES];
    try (InputStream in = Files.newInputStream(from)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        to.write(buffer, 0, n);
      }
    }
  }

  /** Makes renames and new entries in {@code dir} durable. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; their file systems journal renames.
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // Left behind, it is a dot-directory that readers ignore.
    }
  }

  // ---- reading ----

  /**
   * The files {@code version} keeps beside its model, by their manifest path, each checked
   * against the size and SHA-256 the manifest records; empty if it keeps none.
   *
   * @throws CorruptModelException naming the first file that is missing or differs
   */
  public Map<String, Path> artifacts(PublishedModel version) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    for (ArtifactInfo a : version.manifest().artifacts()) {
      Path file = version.directory().resolve(a.path());
      if (!Files.isRegularFile(file)) {
        throw new CorruptModelException(
            file, "the artifact with sha256 " + a.sha256() + " named in " + MANIFEST_FILE,
            "no such file");
      }
      long size = Files.size(file);
      if (size != a.bytes()) {
        throw new CorruptModelException(
            file, a.bytes() + " bytes (from " + MANIFEST_FILE + ")", size + " bytes");
      }
      String sha = Sha256.of(file);
      if (!sha.equals(a.sha256())) {
        throw new CorruptModelException(
            file, "sha256 " + a.sha256() + " (from " + MANIFEST_FILE + ")", "sha256 " + sha);
      }
      files.put(a.path(), file);
    }
    return Collections.unmodifiableMap(files);
  }

  private Path versionDir(String task, int version) throws IOException {
    ModelManifest.checkTask(task);
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
    Path dir = root.resolve(task).resolve(Integer.toString(version));
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          dir.toString(), null,
          "no version " + version + " of task " + task + "; published: " + versions(task));
    }
    return dir;
  }

  private static PublishedModel verify(Path dir, String task, int version) throws IOException {
    ModelManifest m = checkedManifest(dir, task, version);
    Path model = dir.resolve(MODEL_FILE);
    if (!Files.isRegularFile(model)) {
      throw new CorruptModelException(
          model, "the model file with sha256 " + m.modelSha256() + " named in " + MANIFEST_FILE,
          "no such file");
    }
    String sha = Sha256.of(model);
    if (!sha.equals(m.modelSha256())) {
      throw new CorruptModelException(
          model, "sha256 " + m.modelSha256() + " (from " + MANIFEST_FILE + ")", "sha256 " + sha);
    }
    return new PublishedModel(task, version, dir, model, m);
  }

  /** The manifest in {@code dir}, which must parse and name {@code task} and {@code version}. */
  private static ModelManifest checkedManifest(Path dir, String task, int version)
      throws IOException {
    ModelManifest m = readManifest(dir.resolve(MANIFEST_FILE));
    if (!m.task().equals(task) || m.version() != version) {
      throw new CorruptModelException(
          dir.resolve(MANIFEST_FILE),
          "task " + task + " version " + version + " (from the directory)",
          "task " + m.task() + " version " + m.version());
    }
    return m;
  }

  private static ModelManifest readManifest(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CorruptModelException(file, "a " + MANIFEST_FILE + " file", "no such file");
    }
    long size = Files.size(file);
    if (size > MAX_MANIFEST_BYTES) {
      throw new CorruptModelException(
          file, "at most " + MAX_MANIFEST_BYTES + " bytes of JSON", size + " bytes");
    }
    String json;
    try {
      json = UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new CorruptModelException(file, "UTF-8 text", "bytes that are not UTF-8", e);
    }
    try {
      return ManifestCodec.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new CorruptModelException(file, "a valid model manifest", e.getMessage(), e);
    }
  }

  private static List<Integer> versionsIn(Path taskDir) throws IOException {
    List<Integer> versions = new ArrayList<>();
    for (Path p : list(taskDir)) {
      String name = p.getFileName().toString();
      if (VERSION.matcher(name).matches() && Files.isDirectory(p)) {
        versions.add(Integer.parseInt(name));
      }
    }
    Collections.sort(versions);
    return versions;
  }

  /** Entries of {@code dir}; none if it does not exist. */
  private static List<Path> list(Path dir) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    } catch (NoSuchFileException e) {
      // Nothing published there yet.
    }
    return entries;
  }

  private static boolean isTaskName(String name) {
    try {
      ModelManifest.checkTask(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
