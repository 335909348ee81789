package org.medlora.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.data.Augmentation;
import org.medlora.data.Example;
import org.medlora.data.ExampleLoader;
import org.medlora.data.Sample;

/**
 * Turns samples into model-ready batches. Every example gets its own random stream, seeded by
 * the run's seed, the epoch and the sample's folder and file name, so augmentation is
 * reproducible whatever the batch size, the loading order or where the data set is mounted.
 */
final class Batches {

  /**
   * One batch. {@code labels} (B) for classification; {@code patchMasks} (B, gh, gw) and
   * {@code masks} (B, H, W) for segmentation.
   */
  record Batch(NDArray pixels, NDArray labels, NDArray patchMasks, NDArray masks) {

    /** What the head learns: labels for classification, patch masks for the linear segmenter. */
    NDArray target() {
      return patchMasks != null ? patchMasks : labels;
    }
  }

  private final ExampleLoader loader;
  private final PreprocessingSpec spec;
  private final Augmentation augmentation;
  private final int batchSize;
  private final long seed;
  private final int gridSize;

  Batches(ExampleLoader loader, PreprocessingSpec spec, Augmentation augmentation, int batchSize, long seed,
      int gridSize) {
    this.loader = loader;
    this.spec = spec;
    this.augmentation = augmentation;
    this.batchSize = batchSize;
    this.seed = seed;
    this.gridSize = gridSize;
  }

  /** The samples in this epoch's shuffled order, cut into batches (the last may be smaller). */
  List<List<Sample>> shuffled(List<Sample> samples, int epoch) {
    List<Sample> order = new ArrayList<>(samples);
    Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
    return inOrder(order);
  }

  /** The samples in their given order, cut into batches. */
  List<List<Sample>> inOrder(List<Sample> samples) {
    List<List<Sample>> batches = new ArrayList<>();
    for (int i = 0; i < samples.size(); i += batchSize) {
      batches.add(samples.subList(i, Math.min(samples.size(), i + batchSize)));
    }
    return batches;
  }

  /**
   * A batch read into Java arrays, not yet on the engine: what a loading thread can prepare while
   * the training thread computes ({@link Prefetcher}). Labels (B); masks (B, H, W) and patch masks
   * (B, gh, gw) for segmentation, else null.
   */
  record HostBatch(int size, float[] pixels, long[] labels, long[] patchMasks, long[] masks) {}

  /** Loads a batch, augmented when {@code augment} (training) and plain otherwise (evaluation). */
  Batch load(NDManager manager, List<Sample> samples, int epoch, boolean augment) throws IOException {
    return upload(manager, read(samples, epoch, augment));
  }

  /** The batch's arrays as NDArrays of {@code manager}. */
  Batch upload(NDManager manager, HostBatch host) {
    int b = host.size();
    return new Batch(
        manager.create(host.pixels(), new Shape(b, 3, spec.height(), spec.width())),
        manager.create(host.labels()),
        host.patchMasks() == null ? null : manager.create(host.patchMasks(), new Shape(b, gridSize, gridSize)),
        host.masks() == null ? null : manager.create(host.masks(), new Shape(b, spec.height(), spec.width())));
  }

  /**
   * Reads, preprocesses and (when {@code augment}) augments a batch into Java arrays. Thread-safe:
   * every example draws from its own random stream, so the result does not depend on which thread
   * reads it or when.
   */
  HostBatch read(List<Sample> samples, int epoch, boolean augment) throws IOException {
    int b = samples.size();
    int h = spec.height();
    int w = spec.width();
    float[] pixels = new float[b * 3 * h * w];
    long[] labels = new long[b];
    long[] patchMasks = null;
    long[] masks = null;
    for (int i = 0; i < b; i++) {
      Sample s = samples.get(i);
      Random rng = new Random(seed ^ (31L * epoch + key(s)) * 0x9E3779B97F4A7C15L);
      Example e = loader.load(s, spec, augment ? augmentation : Augmentation.NONE, rng);
      System.arraycopy(e.pixels(), 0, pixels, i * 3 * h * w, 3 * h * w);
      labels[i] = e.label();
      if (e.mask() != null) {
        if (masks == null) {
          masks = new long[b * h * w];
          patchMasks = new long[b * gridSize * gridSize];
        }
        copyUnsigned(e.mask(), masks, i * h * w);
        copyUnsigned(e.patchMask(), patchMasks, i * gridSize * gridSize);
      }
    }
    return new HostBatch(b, pixels, labels, patchMasks, masks);
  }

  /** Folder and file name: stable wherever the data set is mounted. */
  private static int key(Sample s) {
    Path image = s.image();
    Path folder = image.getParent() == null ? null : image.getParent().getFileName();
    return ((folder == null ? "" : folder + "/") + image.getFileName()).hashCode();
  }

  private static void copyUnsigned(byte[] from, long[] to, int offset) {
    for (int i = 0; i < from.length; i++) {
      to[offset + i] = Byte.toUnsignedInt(from[i]);
    }
  }
}
