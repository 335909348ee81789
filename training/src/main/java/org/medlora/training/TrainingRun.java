package org.medlora.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.contracts.DatasetInfo;
import org.medlora.contracts.DecoderSpec;
import org.medlora.contracts.EpochRecord;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.contracts.TrainingRequest;
import org.medlora.data.Augmentation;
import org.medlora.data.Dataset;
import org.medlora.data.DatasetReader;
import org.medlora.data.ExampleLoader;
import org.medlora.data.Sample;
import org.medlora.data.Split;
import org.medlora.export.ExportParityException;
import org.medlora.export.ExportSpec;
import org.medlora.export.ModelPublisher;
import org.medlora.export.Predictor;
import org.medlora.heads.ClassificationHead;
import org.medlora.heads.SegmentationHead;
import org.medlora.heads.UpsamplingDecoder;
import org.medlora.lora.LoraConfig;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;

/**
 * One training request, run to a published model: the seed paper's method end to end. Read and
 * split the data, adapt the backbone (linear probe, LoRA or full fine-tuning) with the task's
 * head, optionally train the upsampling decoder on the frozen segmenter, evaluate, then export,
 * verify and publish. The version keeps its trained parts beside the model (the LoRA adapter in
 * PEFT's format or the fully fine-tuned backbone, the head, the decoder), so it can be exported
 * again at another size or precision. Deterministic on CPU for a given seed.
 *
 * <p>The linear probe computes backbone features once and trains the head on them: the frozen
 * backbone gives the same features every epoch, so this is exact and many times faster. Those
 * features come from the un-augmented images, so augmentation does not apply to the linear probe
 * (as in DINOv2's own linear evaluation); it does apply to LoRA and full fine-tuning. The decoder
 * likewise trains on un-augmented images, because it reads the frozen segmenter's cached logits.
 */
public final class TrainingRun {

  /** What a run reports as it goes. Called on the training thread. */
  public interface Listener {
    void progress(String phase, int epoch, int totalEpochs, Map<String, Double> metrics,
        double epochSeconds, double etaSeconds);

    /** A skipped file or another non-fatal problem, with its reason. */
    default void problem(String message) {}
  }

  /** The published model and the final validation (and test) metrics. */
  public record Outcome(PublishedModel published, Map<String, Double> metrics, List<String> problems) {}

  /** Training batches read ahead on a loading thread unless {@link #prefetch} says otherwise. */
  public static final int DEFAULT_PREFETCH = Prefetcher.DEFAULT_DEPTH;

  private final TrainingRequest request;
  private final Path datasetLocation;
  private final Path checkpointFile;
  private final ModelStore store;
  private final Listener listener;
  private final Cancellation cancellation;
  private final List<String> problems = new ArrayList<>();
  private final List<EpochRecord> history = new ArrayList<>();
  private int prefetchDepth = DEFAULT_PREFETCH;

  /** Reads the data set and checkpoint at the paths the request names. */
  public TrainingRun(TrainingRequest request, ModelStore store, Listener listener, BooleanSupplier cancelled) {
    this(request, Path.of(request.dataset().location()), Path.of(request.checkpoint()), store, listener, cancelled);
  }

  /**
   * Reads the data set and checkpoint at {@code dataset} and {@code checkpoint}, e.g. where the
   * worker resolved the request's paths under its roots; the manifest records the request as sent.
   */
  public TrainingRun(TrainingRequest request, Path dataset, Path checkpoint, ModelStore store, Listener listener,
      BooleanSupplier cancelled) {
    this.request = request;
    this.datasetLocation = dataset;
    this.checkpointFile = checkpoint;
    this.store = store;
    this.listener = listener;
    this.cancellation = new Cancellation(request.requestId(), cancelled);
  }

  /**
   * Reads training batches up to {@code batches} ahead on a loading thread (default
   * {@value #DEFAULT_PREFETCH}); 0 reads them on the training thread. The trained weights
   * are the same either way; for benchmarks that compare the two.
   */
  public TrainingRun prefetch(int batches) {
    if (batches < 0) {
      throw new IllegalArgumentException("prefetch depth must be >= 0, got " + batches);
    }
    this.prefetchDepth = batches;
    return this;
  }

  /**
   * @throws TrainingCancelledException when the job was cancelled (between batches)
   * @throws TrainingDivergedException when the training loss became NaN or infinite
   */
  public Outcome run() throws IOException, ExportParityException {
    Engine.getInstance().setRandomSeed((int) request.seed());
    ModelKind kind = request.kind();
    var dataSpec = request.dataset();
    Dataset dataset = DatasetReader.read(datasetLocation, dataSpec.layout(), kind)
        .requireSkippedAtMost(dataSpec.maxSkippedFraction());
    if (!dataset.skipped().isEmpty()) {
      problem(dataset.skippedSummary()); // one line, not one per file
    }
    dataset.problems().forEach(this::problem);
    List<String> classes = classNames(dataset);
    Split split = Split.of(dataset.samples(), dataSpec.validationFraction(), dataSpec.splitSeed());
    if (split.train().isEmpty() || split.validation().isEmpty()) {
      throw new IllegalArgumentException("the dataset at " + dataSpec.location() + " has " + dataset.samples().size()
          + " usable samples: too few for a " + dataSpec.validationFraction() + " validation split");
    }
    DinoV2Checkpoint checkpoint = DinoV2Checkpoint.load(checkpointFile);
    checkpoint.notes().forEach(this::problem);
    MethodKind method = request.method().kind();
    int size = request.imageSize();
    PreprocessingSpec pre = PreprocessingSpec.imagenet(size, size);

    try (NDManager manager = NDManager.newBaseManager()) {
      DinoV2Backbone backbone = DinoV2Backbone.fromCheckpoint(manager, checkpoint, loraConfig(method));
      int d = backbone.config().embedDim();
      int grid = backbone.config().gridSize(size);
      Block head =
          kind == ModelKind.CLASSIFICATION
              ? new ClassificationHead(d, classes.size(), request.pooling())
              : new SegmentationHead(d, classes.size(), grid, grid);
      BackboneWithHead net = new BackboneWithHead(backbone, head);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
      FineTuning.configure(method, backbone);
      long trainable = FineTuning.trainableParameterCount(net);

      Augmentation augmentation = augmentation();
      ExampleLoader loader = new ExampleLoader();
      Batches batches = new Batches(loader, pre, augmentation, request.batchSize(), request.seed(), grid);
      TaskLoss loss = new TaskLoss(request.classWeighting() ? classWeights(split.train(), batches, classes.size()) : null,
          request.diceLoss() && kind == ModelKind.SEGMENTATION);
      Evaluator evaluator = new Evaluator(kind, classes, batches, loss);

      long started = System.nanoTime();
      Map<String, Double> metrics =
          method == MethodKind.LINEAR
              ? trainLinearProbe(net, batches, evaluator, loss, split)
              : trainEndToEnd(net, batches, evaluator, loss, split);
      double secondsPerEpoch = (System.nanoTime() - started) / 1e9 / request.epochs();

      UpsamplingDecoder decoder = null;
      if (kind == ModelKind.SEGMENTATION && request.decoder().train()) {
        Shape image = new Shape(1, 3, size, size);
        decoder = new UpsamplingDecoder(classes.size(), UpsamplingDecoder.DEFAULT_CHANNELS);
        decoder.initialize(manager, DataType.FLOAT32, image, net.getOutputShapes(new Shape[] {image})[0]);
        metrics = trainDecoder(net, decoder, batches, evaluator, loss, split);
      }
      Map<String, Double> all = new LinkedHashMap<>(metrics);
      if (!dataset.testSamples().isEmpty()) {
        evaluator.evaluate(net, decoder, dataset.testSamples()).forEach((k, v) -> all.put("test-" + k, v));
      }
      all.put("seconds-per-epoch", secondsPerEpoch);
      all.put("trainable-params", (double) trainable); // the manifest's one record of it

      Predictor predictor =
          kind == ModelKind.CLASSIFICATION
              ? Predictor.classifier(backbone, (ClassificationHead) head)
              : Predictor.segmenter(backbone, (SegmentationHead) head, decoder);
      ExportPrecision precision = request.export().precision();
      boolean int8 = precision == ExportPrecision.INT8;
      ExportSpec spec = new ExportSpec(request.task(), size, size, classes,
          checkpointFile.getFileName().toString(), checkpoint.sha256(), request.method().toMethodInfo(),
          request, all, history,
          new DatasetInfo(dataSpec.layout(), dataset.fingerprint(), split.train().size(), split.validation().size(),
              dataset.skipped().size(), dataset.skippedSummary()),
          precision,
          int8 ? new HeldOutSamples("validation", split.validation(), batches) : null,
          int8 ? request.export().bounds() : null);
      return new Outcome(ModelPublisher.publish(predictor, spec, store), all, List.copyOf(problems));
    }
  }

  /** LoRA or full fine-tuning: augmented images through the whole network, every epoch. */
  private Map<String, Double> trainEndToEnd(BackboneWithHead net, Batches batches, Evaluator evaluator,
      TaskLoss loss, Split split) throws IOException {
    try (ImageBatches data = new ImageBatches(net, batches, evaluator, split, prefetchDepth)) {
      return runPhase(new PhaseRunner.Phase("train", net, loss, optimizer(batches, split), request.epochs(), data,
          "train-loss"), optimizerHint());
    }
  }

  /** The linear probe: the head alone, on the frozen backbone's features cached once. */
  private Map<String, Double> trainLinearProbe(BackboneWithHead net, Batches batches, Evaluator evaluator,
      TaskLoss loss, Split split) throws IOException {
    try (CachedFeatures data = new CachedFeatures(net, batches, evaluator, split, request.kind(),
        request.batchSize(), cancellation)) {
      return runPhase(new PhaseRunner.Phase("train", net.head(), loss, optimizer(batches, split), request.epochs(),
          data, "train-loss"), optimizerHint());
    }
  }

  /** The request's optimizer, its schedule stepped once per training batch. */
  private Optimizer optimizer(Batches batches, Split split) {
    int steps = batches.inOrder(split.train()).size();
    return Optimizers.of(request.optimizer(), steps * request.epochs(), steps * request.optimizer().warmupEpochs());
  }

  /**
   * The seed paper's second stage (section 7): with backbone and linear segmenter frozen, the
   * decoder learns full-resolution masks from the image and the segmenter's patch logits, with
   * Adam and cross-entropy.
   */
  private Map<String, Double> trainDecoder(BackboneWithHead net, UpsamplingDecoder decoder, Batches batches,
      Evaluator evaluator, TaskLoss loss, Split split) throws IOException {
    DecoderSpec spec = request.decoder();
    try (CachedSegmenterLogits data = new CachedSegmenterLogits(net, decoder, batches, evaluator, split,
        cancellation)) {
      return runPhase(new PhaseRunner.Phase("decoder", decoder, loss, Optimizers.adam(spec.learningRate()),
          spec.epochs(), data, "decoder-train-loss"),
          "lower decoder.learning-rate (it was " + spec.learningRate() + ") and send the request again");
    }
  }

  /**
   * Runs a phase with progress, cancellation and divergence, recording each epoch in the history;
   * {@code remedy} is said on divergence.
   */
  private Map<String, Double> runPhase(PhaseRunner.Phase phase, String remedy) throws IOException {
    TrainingRun.Listener recorder = (name, epoch, total, metrics, seconds, eta) -> {
      Map<String, Double> defined = finite(metrics); // progress events refuse NaN as the manifest does
      history.add(new EpochRecord(name, epoch, seconds, defined));
      listener.progress(name, epoch, total, defined, seconds, eta);
    };
    return PhaseRunner.run(phase, List.of(cancellation, new DivergenceListener(phase.name(), remedy),
        new ProgressListener(recorder, phase.name(), phase.epochs())));
  }

  /** Undefined metrics are left out rather than recorded or sent as NaN. */
  private static Map<String, Double> finite(Map<String, Double> metrics) {
    Map<String, Double> kept = new LinkedHashMap<>();
    metrics.forEach((name, value) -> {
      if (Double.isFinite(value)) {
        kept.put(name, value);
      }
    });
    return kept;
  }

  private String optimizerHint() {
    var o = request.optimizer();
    return "lower optimizer.learning-rate (it was " + o.learningRate() + ")"
        + (o.clipGradient() > 0 ? "" : " or clip gradients with optimizer.clip-gradient (e.g. 1.0)")
        + " and send the request again";
  }

  private void problem(String message) {
    problems.add(message);
    listener.problem(message);
  }

  private List<String> classNames(Dataset dataset) {
    List<String> requested = request.classNames();
    if (requested.isEmpty()) {
      return dataset.classNames();
    }
    if (requested.size() != dataset.classNames().size()) {
      throw new IllegalArgumentException("the request names " + requested.size() + " classes " + requested
          + " but the dataset has " + dataset.classNames().size() + ": " + dataset.classNames());
    }
    return requested;
  }

  private LoraConfig loraConfig(MethodKind method) {
    if (method != MethodKind.LORA) {
      return null;
    }
    var m = request.method();
    return new LoraConfig(m.loraRank(), m.loraAlpha(), EnumSet.copyOf(m.loraTargets()), m.rsLora());
  }

  private Augmentation augmentation() {
    var a = request.augmentation();
    return new Augmentation(a.horizontalFlip(), a.verticalFlip(), a.randomResizedCrop(), a.cropScaleMin(), a.cropScaleMax());
  }

  /** Inverse class frequencies over the training split: images, or patch-mask pixels. */
  private float[] classWeights(List<Sample> train, Batches batches, int classes) throws IOException {
    long[] counts = new long[classes];
    if (request.kind() == ModelKind.CLASSIFICATION) {
      train.forEach(s -> counts[s.label()]++); // labels are known without decoding a pixel
      return TaskLoss.inverseFrequency(counts);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      for (List<Sample> samples : batches.inOrder(train)) {
        try (NDManager b = m.newSubManager()) {
          NDArray target = batches.load(b, samples, 0, false).target();
          for (long label : target.toLongArray()) {
            counts[(int) label]++;
          }
        }
      }
    }
    return TaskLoss.inverseFrequency(counts);
  }
}
