package org.medlora.service.models;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;
import org.medlora.contracts.ModelManifest;
import org.medlora.service.config.MedloraConfig;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * The models the service answers with: per task, the newest version that loaded (the current
 * one) and a few older versions that requests pinned.
 *
 * <p><b>Hot swap.</b> A new version is loaded and warmed up beside the current one, then swapped
 * in with one write. Requests that already hold the old version finish on it; its session closes
 * when the last of them releases it (see {@link LoadedModel}). If the new version fails to load,
 * the current one keeps serving and the failure is kept for {@link #status()} and the logs.
 * Versions are immutable, so a version that failed is not tried again.
 *
 * <p>Thread-safe. Loads of one task run one at a time; loads of different tasks, and all
 * requests, run concurrently.
 */
@ApplicationScoped
public class ModelRegistry {

  private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

  @Inject ModelLoader loader;
  @Inject MedloraConfig config;
  @Inject MeterRegistry meters;

  private ModelStore store;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private volatile boolean initialLoadDone;

  /** Why a version was refused. */
  public record LoadFailure(int version, String reason, Instant at) {}

  /**
   * What {@code GET /v1/models} shows about one task.
   *
   * @param skipped refused versions newer than the current one, newest first
   */
  public record TaskStatus(String task, LoadedModel current, List<Integer> pinnedVersions,
      List<LoadFailure> skipped, LoadFailure lastFailure) {}

  private final class Slot {
    final String task;
    /** This slot's meters, removed when the registry closes so none outlives the app's state. */
    final List<Meter> meters = new ArrayList<>();
    final ReentrantLock loading = new ReentrantLock();
    volatile LoadedModel current;
    volatile LoadFailure lastFailure;
    /**
     * Versions that were refused, and why; never retried, since versions do not change. Written
     * under {@code loading}, read without it.
     */
    final Map<Integer, LoadFailure> failed = new ConcurrentHashMap<>();
    /** Older versions loaded for pinned requests, least recently used first. Guarded by this. */
    final LinkedHashMap<Integer, LoadedModel> pinned = new LinkedHashMap<>(4, 0.75f, true);
    final StageTimes stages;

    Slot(String task) {
      this.task = task;
      this.stages = new StageTimes(ModelRegistry.this.meters, task);
      meters.addAll(stages.meters());
      meters.add(Gauge.builder("medlora.queue.depth", this, Slot::queueDepth)
          .description("Requests waiting for a batch")
          .tag("task", task)
          .register(ModelRegistry.this.meters));
      meters.add(Gauge.builder("medlora.model.version", this,
              s -> s.current == null ? 0 : s.current.version())
          .description("The version serving unpinned requests; 0 while none is loaded")
          .tag("task", task)
          .register(ModelRegistry.this.meters));
      for (ExecutionProvider provider : ExecutionProvider.values()) {
        meters.add(Gauge.builder("medlora.model.execution.provider", this,
                s -> s.current != null && s.current.executionProvider() == provider ? 1 : 0)
            .description("1 for the execution provider the serving version runs on")
            .tag("task", task)
            .tag("provider", provider.jsonName())
            .register(ModelRegistry.this.meters));
      }
    }

    double queueDepth() {
      LoadedModel c = current;
      int depth = c == null ? 0 : c.queueDepth();
      synchronized (this) {
        for (LoadedModel m : pinned.values()) {
          depth += m.queueDepth();
        }
      }
      return depth;
    }
  }

  @PostConstruct
  void init() {
    store = new ModelStore(config.store().path());
  }

  public ModelStore store() {
    return store;
  }

  /**
   * A lease on the version that serves {@code task}: the current one, or the pinned
   * {@code version}, loaded on demand if it is published but not in memory.
   *
   * @throws UnknownModelException no such task or version
   * @throws ModelNotReadyException the task is published but has no loadable version (yet)
   */
  public Lease acquire(String task, OptionalInt version) {
    Slot slot = slots.get(task);
    LoadedModel current = slot == null ? null : slot.current;
    if (version.isPresent() && (current == null || current.version() != version.getAsInt())) {
      return acquirePinned(task, version.getAsInt());
    }
    if (current == null) {
      throw notServing(task, slot);
    }
    // The current version can be swapped out and closed between reading and acquiring it; the
    // swap writes the new one first, so reading again finds a live model.
    for (LoadedModel m = slot.current; m != null; m = slot.current) {
      if (m.tryAcquire()) {
        return new Lease(m);
      }
    }
    throw notServing(task, slot); // only while shutting down
  }

  private RuntimeException notServing(String task, Slot slot) {
    boolean published;
    try {
      published = isTaskName(task) && !store.versions(task).isEmpty();
    } catch (IOException e) {
      published = false;
    }
    if (!published) {
      return new UnknownModelException("no model is published for task \"" + task
          + "\"; tasks served: " + servedTasks());
    }
    LoadFailure failure = slot == null ? null : slot.lastFailure;
    if (failure != null) {
      return new ModelNotReadyException("task " + task + " has no version that loaded; version "
          + failure.version() + " was refused: " + failure.reason());
    }
    return new ModelNotReadyException("task " + task + " is published but still loading");
  }

  private Lease acquirePinned(String task, int version) {
    Slot slot = slots.get(task);
    if (slot == null) {
      // Checked before a slot (and its meters) exists, so that junk names leave no trace.
      if (!isTaskName(task) || publishedVersions(task).isEmpty()) {
        throw new UnknownModelException("no model is published for task \"" + task + "\"");
      }
      slot = slot(task);
    }
    synchronized (slot) {
      LoadedModel m = slot.pinned.get(version);
      if (m != null && m.tryAcquire()) {
        return new Lease(m);
      }
    }
    // A refused version is answered from memory: it is immutable, so opening it again would
    // only repeat the failure (and re-hash the model under the task's lock).
    refuseIfFailed(slot, version);
    slot.loading.lock();
    try {
      LoadedModel current = slot.current;
      if (current != null && current.version() == version && current.tryAcquire()) {
        return new Lease(current);
      }
      synchronized (slot) {
        LoadedModel m = slot.pinned.get(version);
        if (m != null && m.tryAcquire()) {
          return new Lease(m);
        }
      }
      refuseIfFailed(slot, version); // another request may have failed it while this one waited
      LoadedModel m;
      try {
        m = load(slot, store.open(task, version));
      } catch (NoSuchFileException e) {
        throw new UnknownModelException("task " + task + " has no version " + version
            + "; published versions: " + publishedVersions(task));
      } catch (IOException | ModelLoadException e) {
        throw refused(slot, recordFailure(slot, version, e.getMessage()));
      }
      m.tryAcquire(); // the lease's reference; m's own is the cache's
      keepPinned(slot, m);
      return new Lease(m);
    } finally {
      slot.loading.unlock();
    }
  }

  private static void refuseIfFailed(Slot slot, int version) {
    LoadFailure f = slot.failed.get(version);
    if (f != null) {
      throw refused(slot, f);
    }
  }

  private static ModelRefusedException refused(Slot slot, LoadFailure f) {
    LoadedModel current = slot.current;
    return new ModelRefusedException("version " + f.version() + " of task " + slot.task
        + " was refused when it was loaded and is not retried (versions are immutable): "
        + f.reason() + (current == null ? "" : "; version " + current.version()
            + " serves this task, send the request without ?version to use it"));
  }

  private void keepPinned(Slot slot, LoadedModel m) {
    List<LoadedModel> evicted = new ArrayList<>();
    synchronized (slot) {
      LoadedModel previous = slot.pinned.put(m.version(), m);
      if (previous != null) {
        evicted.add(previous);
      }
      var it = slot.pinned.entrySet().iterator();
      while (slot.pinned.size() > config.models().maxPinnedVersions() && it.hasNext()) {
        evicted.add(it.next().getValue());
        it.remove();
      }
    }
    evicted.forEach(LoadedModel::release);
  }

  /**
   * Serves {@code version} of {@code task} if it is newer than the current one. If it is refused,
   * the newest older version in the store that loads serves instead (newer than the current
   * one; the store is asked because a compacted topic keeps only the newest announcement).
   * Failures are recorded, logged and counted, never thrown.
   *
   * @param expectedSha256 the digest the announcement named, or null
   * @return true if {@code version} now serves
   */
  public boolean offer(String task, int version, String expectedSha256) {
    if (!isTaskName(task)) {
      LOG.warnf("ignoring a model announcement for an invalid task name (%d characters)",
          task == null ? 0 : task.length());
      return false;
    }
    Slot slot = slot(task);
    slot.loading.lock();
    try {
      LoadedModel current = slot.current;
      if (current != null && current.version() >= version) {
        return current.version() == version;
      }
      List<Integer> versions = serveNewestLoadable(slot, version, expectedSha256);
      if (versions != null && !versions.contains(version)) {
        recordFailure(slot, version, "it was announced, but the store " + store.root()
            + " has no such version (published: " + versions + "); check that the service and"
            + " the trainer share the store");
      }
      current = slot.current;
      return current != null && current.version() == version;
    } finally {
      slot.loading.unlock();
    }
  }

  /**
   * Without Kafka: serves the newest version of every task in the store that loads, and falls
   * back where the serving version was removed from the store.
   */
  public void refreshFromStore() {
    Set<String> tasks;
    try {
      tasks = new TreeSet<>(store.tasks());
    } catch (IOException e) {
      LOG.warnf("cannot list the model store %s: %s", store.root(), e.getMessage());
      return;
    }
    tasks.addAll(servedTasks()); // a task whose every version was removed
    for (String task : tasks) {
      Slot slot = slot(task);
      slot.loading.lock();
      try {
        serveNewestLoadable(slot, Integer.MAX_VALUE, null);
      } finally {
        slot.loading.unlock();
      }
    }
  }

  /**
   * With Kafka: where a serving version was removed from the store, serves the newest older
   * version that loads. Versions the topic never announced are not looked for otherwise.
   */
  public void checkServingVersions() {
    for (String task : servedTasks()) {
      Slot slot = slot(task);
      slot.loading.lock();
      try {
        LoadedModel current = slot.current;
        if (current != null) {
          serveNewestLoadable(slot, current.version(), null);
        }
      } finally {
        slot.loading.unlock();
      }
    }
  }

  /**
   * Makes the newest loadable version of the store up to {@code newest} current, trying them
   * newest first and stopping at the current version; a current version that was removed from
   * the store is replaced, or unloaded if nothing replaces it. Caller holds the loading lock.
   *
   * @return the task's versions in the store, or null if the store could not be read
   */
  private List<Integer> serveNewestLoadable(Slot slot, int newest, String expectedSha256) {
    if (!Files.isDirectory(store.root())) {
      if (slot.current != null) {
        LOG.warnf("the model store %s is gone (unmounted?); %s keeps serving what is loaded",
            store.root(), slot.task);
      }
      return null;
    }
    List<Integer> versions;
    try {
      versions = store.versions(slot.task);
    } catch (IOException e) {
      LOG.warnf("cannot list the versions of %s: %s", slot.task, e.getMessage());
      return null;
    }
    // A removed version's number is given to the next one published, which deserves a try.
    slot.failed.keySet().retainAll(versions);
    LoadedModel current = slot.current;
    boolean removed = current != null && !versions.contains(current.version());
    int floor = current == null || removed ? 0 : current.version();
    for (int i = versions.size() - 1; i >= 0 && versions.get(i) > floor; i--) {
      int v = versions.get(i);
      if (v > newest || slot.failed.containsKey(v)) {
        continue;
      }
      LoadedModel loaded = tryLoad(slot, v, v == newest ? expectedSha256 : null);
      if (loaded != null) {
        swapIn(slot, loaded, removed);
        return versions;
      }
    }
    if (removed) {
      slot.current = null;
      LOG.warnf("%s v%d was removed from the store and no other version of it loads: task %s is"
          + " not served (v%d closes when its requests finish)", slot.task, current.version(),
          slot.task, current.version());
      current.release();
    }
    return versions;
  }

  /** Opens, checks and loads one version; null, with the failure recorded, if it is refused. */
  private LoadedModel tryLoad(Slot slot, int version, String expectedSha256) {
    try {
      if (expectedSha256 != null) {
        // The manifest alone says whether store and topic agree: no need to hash the model.
        String stored = store.manifest(slot.task, version).modelSha256();
        if (!expectedSha256.equals(stored)) {
          recordFailure(slot, version, "the announcement names model sha256 " + expectedSha256
              + " but the store holds " + stored
              + "; the store and the topic disagree, republish the model");
          return null;
        }
      }
      return load(slot, store.open(slot.task, version));
    } catch (IOException | ModelLoadException e) {
      recordFailure(slot, version, e.getMessage());
      return null;
    } catch (RuntimeException e) {
      recordFailure(slot, version, "unexpected error: " + e);
      LOG.error("loading " + slot.task + " v" + version + " failed unexpectedly", e);
      return null;
    }
  }

  private LoadedModel load(Slot slot, PublishedModel published) throws ModelLoadException {
    LoadedModel m = loader.load(published, slot.stages);
    countLoad(slot.task, true);
    return m;
  }

  private void swapIn(Slot slot, LoadedModel loaded, boolean currentRemoved) {
    LoadedModel previous = slot.current;
    slot.current = loaded;
    List<Integer> skipped = skipped(slot).stream().map(LoadFailure::version).toList();
    LOG.infof("%s v%d now serves task %s%s%s", slot.task, loaded.version(), slot.task,
        skipped.isEmpty() ? "" : "; newer version(s) " + skipped + " were refused, see above",
        previous == null ? "" : " (v" + previous.version()
            + (currentRemoved ? ", removed from the store," : "")
            + " closes when its requests finish)");
    if (previous != null) {
      previous.release();
    }
  }

  /** Refused versions newer than the serving one, newest first. */
  private static List<LoadFailure> skipped(Slot slot) {
    LoadedModel current = slot.current;
    int serving = current == null ? 0 : current.version();
    return slot.failed.values().stream()
        .filter(f -> f.version() > serving)
        .sorted(Comparator.comparingInt(LoadFailure::version).reversed())
        .toList();
  }

  /** Called once the start-up source (store scan or topic backlog) has been read. */
  public void markInitialLoadDone() {
    initialLoadDone = true;
  }

  public boolean initialLoadDone() {
    return initialLoadDone;
  }

  /** Tasks with a current version, sorted. */
  public List<String> servedTasks() {
    List<String> tasks = new ArrayList<>();
    for (Slot s : slots.values()) {
      if (s.current != null) {
        tasks.add(s.task);
      }
    }
    tasks.sort(null);
    return tasks;
  }

  /** Every task the registry has seen, sorted by name. */
  public List<TaskStatus> status() {
    Map<String, TaskStatus> out = new TreeMap<>();
    for (Slot s : slots.values()) {
      List<Integer> pinned;
      synchronized (s) {
        pinned = new ArrayList<>(s.pinned.keySet());
      }
      pinned.sort(null);
      out.put(s.task, new TaskStatus(s.task, s.current, pinned, skipped(s), s.lastFailure));
    }
    return new ArrayList<>(out.values());
  }

  /** The published versions of a task, for messages; empty if unreadable. */
  public List<Integer> publishedVersions(String task) {
    try {
      return store.versions(task);
    } catch (IOException | IllegalArgumentException e) {
      return List.of();
    }
  }

  private Slot slot(String task) {
    return slots.computeIfAbsent(task, Slot::new);
  }

  private LoadFailure recordFailure(Slot slot, int version, String reason) {
    LoadFailure failure = new LoadFailure(version, reason, Instant.now());
    slot.failed.put(version, failure);
    slot.lastFailure = failure;
    countLoad(slot.task, false);
    LoadedModel current = slot.current;
    LOG.warnf("refused %s v%d%s: %s", slot.task, version,
        current == null ? "" : " (v" + current.version() + " is serving)", reason);
    return failure;
  }

  private void countLoad(String task, boolean success) {
    Counter.builder("medlora.model.loads")
        .description("Model versions loaded, by outcome")
        .tag("task", task)
        .tag("outcome", success ? "success" : "failure")
        .register(meters)
        .increment();
  }

  static boolean isTaskName(String task) {
    try {
      ModelManifest.checkTask(task);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @PreDestroy
  void closeAll() {
    for (Slot s : slots.values()) {
      // A registry that outlives this bean (tests restart the app in one JVM) must not keep
      // gauges bound to these slots: a new slot's gauge would not register over them.
      s.meters.forEach(meters::remove);
      LoadedModel c = s.current;
      s.current = null;
      if (c != null) {
        c.release();
      }
      Collection<LoadedModel> pinned;
      synchronized (s) {
        pinned = new ArrayList<>(s.pinned.values());
        s.pinned.clear();
      }
      pinned.forEach(LoadedModel::release);
    }
  }
}
