package org.medlora.service.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.OnnxNames;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.Preprocessor;
import org.medlora.service.batching.Batcher;
import org.medlora.store.PublishedModel;

/**
 * One model version in an ONNX Runtime session, with its batcher, shared by every request that
 * uses it. Reference counted: the registry holds one reference while the version is current (or
 * kept for pinned requests), each request one while it runs. The session, its options and the
 * batcher are closed when the last reference goes, so a hot swap never closes a session under a
 * request in flight.
 */
public final class LoadedModel {

  private static final Logger LOG = Logger.getLogger(LoadedModel.class);

  private final PublishedModel published;
  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final String output;
  private final ExecutionProvider executionProvider;
  private final int height;
  private final int width;
  private final int maxBatchSize;
  /** The worker thread's input buffer, (maxBatchSize, 3, H, W) floats, reused for every batch. */
  private final FloatBuffer input;
  /**
   * Request inputs the worker has copied into {@link #input}, for the next requests to fill: an
   * input is 2.4 MB at 448x448, which G1 would otherwise allocate outside its young regions for
   * every request. At most a batch's worth are kept.
   */
  private final BlockingQueue<float[]> spareInputs;
  private final StageTimes times;
  private final Batcher<float[], InferenceResult> batcher;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final Instant loadedAt = Instant.now();

  LoadedModel(PublishedModel published, OrtEnvironment env, OrtSession.SessionOptions options,
      OrtSession session, String output, ExecutionProvider executionProvider, BatchingSettings batching,
      StageTimes times) {
    this.published = published;
    this.env = env;
    this.options = options;
    this.session = session;
    this.output = output;
    this.executionProvider = executionProvider;
    this.height = published.manifest().preprocessing().height();
    this.width = published.manifest().preprocessing().width();
    this.maxBatchSize = batching.maxBatchSize();
    this.input = ByteBuffer.allocateDirect(maxBatchSize * 3 * height * width * Float.BYTES)
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    this.spareInputs = new ArrayBlockingQueue<>(maxBatchSize);
    this.times = times;
    this.batcher = new Batcher<>(published.task() + "-v" + published.version(), maxBatchSize,
        batching.maxQueueDelay(), batching.maxQueueSize(), this::runBatch, times::queued);
  }

  /** The batching knobs a model is created with. */
  record BatchingSettings(int maxBatchSize, java.time.Duration maxQueueDelay, int maxQueueSize) {}

  public String task() {
    return published.task();
  }

  public int version() {
    return published.version();
  }

  public ModelManifest manifest() {
    return published.manifest();
  }

  /** Where its session runs. */
  public ExecutionProvider executionProvider() {
    return executionProvider;
  }

  public PublishedModel published() {
    return published;
  }

  /** Where this model's requests spend their time, for the stage metrics. */
  public StageTimes stageTimes() {
    return times;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  public int queueDepth() {
    return batcher.queueDepth();
  }

  /**
   * Preprocesses one decoded image for this model, on the caller's thread, and queues it for
   * the next batch.
   *
   * @throws org.medlora.service.batching.QueueFullException when the queue is full
   */
  public CompletableFuture<InferenceResult> submit(DecodedImage image) {
    float[] pixels = spareInputs.poll();
    if (pixels == null) {
      pixels = new float[3 * height * width];
    }
    long start = System.nanoTime();
    Preprocessor.toModelInput(image, manifest().preprocessing(), pixels);
    times.preprocessed(System.nanoTime() - start);
    return batcher.submit(pixels);
  }

  /** Takes a reference unless the model is already closed. */
  boolean tryAcquire() {
    for (int r = refs.get(); r > 0; r = refs.get()) {
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Drops a reference; the last one closes the session. */
  void release() {
    int left = refs.decrementAndGet();
    if (left == 0) {
      close();
    } else if (left < 0) {
      throw new IllegalStateException(this + " released more often than acquired");
    }
  }

  private void close() {
    batcher.close();
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warnf("closing the session of %s failed: %s", this, e.getMessage());
    } finally {
      options.close();
    }
    LOG.infof("unloaded %s", this);
  }

  /** Runs on the batcher's worker thread only, which owns {@link #input}. */
  private List<InferenceResult> runBatch(List<float[]> images) throws OrtException {
    int b = images.size();
    int plane = 3 * height * width;
    input.clear();
    for (float[] image : images) {
      input.put(image);
      spareInputs.offer(image); // copied: free for the next request
    }
    input.flip();
    long start = System.nanoTime();
    // (B, 3, H, W) over the first B images of the direct buffer: no copy into ONNX Runtime.
    long[] shape = {b, 3, height, width};
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, input.slice().limit(b * plane), shape);
        OrtSession.Result result =
            session.run(Map.of(manifest().inputName(), tensor), Set.of(output))) {
      OnnxTensor out = (OnnxTensor) result.get(output).orElseThrow();
      List<InferenceResult> results = switch (manifest().kind()) {
        case CLASSIFICATION -> classification(out, b);
        case SEGMENTATION -> segmentation(out, b);
        case FEATURES -> throw new IllegalStateException("features models are not served");
      };
      times.ran(b, System.nanoTime() - start);
      return results;
    }
  }

  private List<InferenceResult> classification(OnnxTensor out, int b) {
    long[] dims = out.getInfo().getShape();
    int classes = (int) dims[1];
    FloatBuffer values = out.getFloatBuffer();
    List<InferenceResult> results = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      float[] p = new float[classes];
      values.get(p);
      if (output.equals(OnnxNames.LOGITS)) {
        softmax(p);
      }
      results.add(new InferenceResult(p, null, 0, 0));
    }
    return results;
  }

  private List<InferenceResult> segmentation(OnnxTensor out, int b) {
    long[] dims = out.getInfo().getShape();
    int h = (int) dims[dims.length - 2];
    int w = (int) dims[dims.length - 1];
    List<InferenceResult> results = new ArrayList<>(b);
    if (output.equals(OnnxNames.MASK)) {
      ByteBuffer bytes = out.getByteBuffer();
      for (int i = 0; i < b; i++) {
        byte[] mask = new byte[h * w];
        bytes.get(mask);
        results.add(new InferenceResult(null, mask, h, w));
      }
      return results;
    }
    // Logits (B, C, H, W): the mask is the arg max over C, first maximum winning as in the export.
    int classes = (int) dims[1];
    FloatBuffer logits = out.getFloatBuffer();
    int plane = h * w;
    for (int i = 0; i < b; i++) {
      byte[] mask = new byte[plane];
      float[] best = new float[plane];
      int base = i * classes * plane;
      for (int c = 0; c < classes; c++) {
        for (int p = 0; p < plane; p++) {
          float v = logits.get(base + c * plane + p);
          if (c == 0 || v > best[p]) {
            best[p] = v;
            mask[p] = (byte) c;
          }
        }
      }
      results.add(new InferenceResult(null, mask, h, w));
    }
    return results;
  }

  static void softmax(float[] v) {
    float max = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.exp(v[i] - max);
      sum += v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / sum);
    }
  }

  /**
   * The output the service reads, among those the manifest declares: what the export computed
   * for this kind (probabilities, a mask) before raw logits, which are reduced here.
   */
  static String chooseOutput(ModelManifest manifest) throws ModelLoadException {
    List<String> preferred = switch (manifest.kind()) {
      case CLASSIFICATION -> List.of(OnnxNames.PROBABILITIES, OnnxNames.LOGITS);
      case SEGMENTATION -> List.of(OnnxNames.MASK, OnnxNames.LOGITS);
      case FEATURES -> List.of();
    };
    for (String name : preferred) {
      // A mask holds class indices; everything else is float scores.
      String dtype = name.equals(OnnxNames.MASK) ? "uint8" : "float32";
      if (manifest.outputs().stream().anyMatch(o -> o.name().equals(name) && o.dtype().equals(dtype))) {
        return name;
      }
    }
    throw new ModelLoadException("the manifest declares none of the outputs a "
        + manifest.kind().jsonName() + " model is read by (float32 probabilities or logits, uint8"
        + " mask), only " + manifest.outputs() + "; re-export it with bin/medlora export");
  }

  @Override
  public String toString() {
    return published.task() + " v" + published.version();
  }

  /** For closing a freshly loaded model that never served (warm-up failed, a newer one won). */
  static void discard(LoadedModel m) {
    m.release();
  }

}
