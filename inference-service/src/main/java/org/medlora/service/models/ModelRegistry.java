package org.medlora.service.models;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
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

  /** What {@code GET /v1/models} shows about one task. */
  public record TaskStatus(String task, LoadedModel current, List<Integer> pinnedVersions,
      LoadFailure lastFailure) {}

  private final class Slot {
    final String task;
    final ReentrantLock loading = new ReentrantLock();
    volatile LoadedModel current;
    volatile LoadFailure lastFailure;
    /** Versions that failed; never retried, since versions do not change. Guarded by loading. */
    final Set<Integer> failed = new HashSet<>();
    /** Older versions loaded for pinned requests, least recently used first. Guarded by this. */
    final LinkedHashMap<Integer, LoadedModel> pinned = new LinkedHashMap<>(4, 0.75f, true);
    final DistributionSummary batchSizes;

    Slot(String task) {
      this.task = task;
      this.batchSizes = DistributionSummary.builder("medlora.batch.size")
          .description("Requests run together in one ONNX Runtime call")
          .tag("task", task)
          .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
          .register(meters);
      Gauge.builder("medlora.queue.depth", this, Slot::queueDepth)
          .description("Requests waiting for a batch")
          .tag("task", task)
          .register(meters);
      Gauge.builder("medlora.model.version", this,
              s -> s.current == null ? 0 : s.current.version())
          .description("The version serving unpinned requests; 0 while none is loaded")
          .tag("task", task)
          .register(meters);
      for (ExecutionProvider provider : ExecutionProvider.values()) {
        Gauge.builder("medlora.model.execution.provider", this,
                s -> s.current != null && s.current.executionProvider() == provider ? 1 : 0)
            .description("1 for the execution provider the serving version runs on")
            .tag("task", task)
            .tag("provider", provider.jsonName())
            .register(meters);
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

    IntConsumer batchObserver() {
      return batchSizes::record;
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
    if (!isTaskName(task)) {
      throw new UnknownModelException("no model is published for task \"" + task + "\"");
    }
    Slot slot = slot(task);
    synchronized (slot) {
      LoadedModel m = slot.pinned.get(version);
      if (m != null && m.tryAcquire()) {
        return new Lease(m);
      }
    }
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
      PublishedModel published;
      try {
        published = store.open(task, version);
      } catch (NoSuchFileException e) {
        throw new UnknownModelException("task " + task + " has no version " + version
            + "; published versions: " + publishedVersions(task));
      } catch (IOException e) {
        throw new ModelNotReadyException("version " + version + " of task " + task
            + " cannot be served: " + e.getMessage());
      }
      LoadedModel m;
      try {
        m = loader.load(published, slot.batchObserver());
      } catch (ModelLoadException e) {
        recordFailure(slot, version, e.getMessage());
        throw new ModelNotReadyException("version " + version + " of task " + task
            + " cannot be served: " + e.getMessage());
      }
      countLoad(task, true);
      m.tryAcquire(); // the lease's reference; m's own is the cache's
      keepPinned(slot, m);
      return new Lease(m);
    } finally {
      slot.loading.unlock();
    }
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
   * Loads {@code version} of {@code task} and makes it current, unless the current version is
   * as new or newer, or the version failed before. Failures are recorded, logged and counted,
   * never thrown: the current version keeps serving.
   *
   * @param expectedSha256 the digest the announcement named, or null
   * @return true if the version now serves
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
      if (slot.failed.contains(version)) {
        return false;
      }
      PublishedModel published;
      try {
        published = store.open(task, version);
      } catch (IOException e) {
        recordFailure(slot, version, e.getMessage());
        return false;
      }
      if (expectedSha256 != null && !expectedSha256.equals(published.manifest().modelSha256())) {
        recordFailure(slot, version, "the announcement names model sha256 " + expectedSha256
            + " but the store holds " + published.manifest().modelSha256()
            + "; the store and the topic disagree, republish the model");
        return false;
      }
      LoadedModel loaded;
      try {
        loaded = loader.load(published, slot.batchObserver());
      } catch (ModelLoadException e) {
        recordFailure(slot, version, e.getMessage());
        return false;
      } catch (RuntimeException e) {
        recordFailure(slot, version, "unexpected error: " + e);
        LOG.error("loading " + task + " v" + version + " failed unexpectedly", e);
        return false;
      }
      slot.current = loaded;
      countLoad(task, true);
      LOG.infof("%s v%d now serves task %s%s", task, version, task,
          current == null ? "" : " (v" + current.version() + " closes when its requests finish)");
      if (current != null) {
        current.release();
      }
      return true;
    } finally {
      slot.loading.unlock();
    }
  }

  /** Offers the newest published version of every task in the store. */
  public void refreshFromStore() {
    Set<String> tasks;
    try {
      tasks = store.tasks();
    } catch (IOException e) {
      LOG.warnf("cannot list the model store %s: %s", store.root(), e.getMessage());
      return;
    }
    for (String task : tasks) {
      try {
        List<Integer> versions = store.versions(task);
        if (!versions.isEmpty()) {
          offer(task, versions.get(versions.size() - 1), null);
        }
      } catch (IOException e) {
        LOG.warnf("cannot list the versions of %s: %s", task, e.getMessage());
      }
    }
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
      out.put(s.task, new TaskStatus(s.task, s.current, pinned, s.lastFailure));
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

  private void recordFailure(Slot slot, int version, String reason) {
    slot.failed.add(version);
    slot.lastFailure = new LoadFailure(version, reason, Instant.now());
    countLoad(slot.task, false);
    LoadedModel current = slot.current;
    LOG.warnf("refused %s v%d%s: %s", slot.task, version,
        current == null ? "" : " (v" + current.version() + " keeps serving)", reason);
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
