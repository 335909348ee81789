package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A request to adapt the backbone to one task, as a hospital team sends it on
 * {@link Topics#TRAINING_REQUESTS} (key: {@code requestId}). Written and read by
 * {@link MessageCodec}, and kept in the manifest of the model it produced; in JSON only {@code request-id}, {@code task}, {@code kind},
 * {@code dataset.location}, {@code dataset.layout} and {@code checkpoint} are needed, every other
 * field has the default {@link #minimal} gives it. The defaults follow the seed paper.
 *
 * @param schemaVersion layout of this message; always {@link #SCHEMA_VERSION}
 * @param requestId the idempotency key: a request seen again under the same id is the same
 *     request. 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-', not "." or ".."
 * @param task the task the model is published under, as {@link ModelManifest#checkTask} allows
 * @param kind what the model computes: classification or segmentation (features-only models
 *     need no training)
 * @param classNames output classes in output order, at least 2 and distinct (background first
 *     for segmentation); empty: derived from the data set. Default empty
 * @param dataset the training data
 * @param checkpoint path of the DINOv2 {@code .safetensors} checkpoint, as the trainer sees it
 * @param method how the backbone is adapted; default {@link MethodSpec#DEFAULT}
 * @param optimizer default {@link OptimizerSpec#DEFAULT}; its warmup must be shorter than
 *     {@code epochs}
 * @param epochs passes over the training data, 1 to {@value #MAX_EPOCHS}; default
 *     {@value #DEFAULT_EPOCHS}
 * @param batchSize images per step, 1 to {@value #MAX_BATCH_SIZE}; default
 *     {@value #DEFAULT_BATCH_SIZE}
 * @param imageSize side of the square model input in pixels, a multiple of the patch size
 *     {@value #PATCH_SIZE} up to {@value #MAX_IMAGE_SIZE}; default {@value #DEFAULT_IMAGE_SIZE}
 * @param augmentation default {@link AugmentationSpec#DEFAULT}
 * @param classWeighting weight the cross-entropy by inverse class frequency; default false (the
 *     seed paper used plain cross-entropy)
 * @param diceLoss add a Dice loss to the cross-entropy; segmentation only; default false
 * @param pooling what a classification head sees; ignored for segmentation. Default
 *     {@code cls-and-mean-patch}, DINOv2's linear evaluation
 * @param decoder the segmentation decoder; default {@link DecoderSpec#DEFAULT} (none)
 * @param export how the model is exported; default {@link ExportOptions#DEFAULT} (fp32)
 * @param seed seed of initialisation, augmentation and batch order; default {@value #DEFAULT_SEED}
 */
public record TrainingRequest(
    @JsonProperty("schema-version") int schemaVersion,
    @JsonProperty("request-id") String requestId,
    String task,
    ModelKind kind,
    @JsonProperty("class-names") List<String> classNames,
    DatasetSpec dataset,
    String checkpoint,
    MethodSpec method,
    OptimizerSpec optimizer,
    int epochs,
    @JsonProperty("batch-size") int batchSize,
    @JsonProperty("image-size") int imageSize,
    AugmentationSpec augmentation,
    @JsonProperty("class-weighting") boolean classWeighting,
    @JsonProperty("dice-loss") boolean diceLoss,
    Pooling pooling,
    DecoderSpec decoder,
    ExportOptions export,
    long seed) {

  /** The only layout this build reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  public static final int DEFAULT_EPOCHS = 20;
  public static final int MAX_EPOCHS = 1000;
  public static final int DEFAULT_BATCH_SIZE = 8;
  public static final int MAX_BATCH_SIZE = 512;
  public static final int DEFAULT_IMAGE_SIZE = 448;
  public static final int MAX_IMAGE_SIZE = 1022;
  /** The patch size of every released DINOv2 backbone. */
  public static final int PATCH_SIZE = 14;
  public static final boolean DEFAULT_CLASS_WEIGHTING = false;
  public static final boolean DEFAULT_DICE_LOSS = false;
  public static final Pooling DEFAULT_POOLING = Pooling.CLS_AND_MEAN_PATCH;
  public static final long DEFAULT_SEED = 0;

  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  public TrainingRequest {
    if (schemaVersion != SCHEMA_VERSION) {
      throw Checks.invalid(
          "schemaVersion", "must be " + SCHEMA_VERSION + ", got " + schemaVersion);
    }
    checkRequestId(requestId);
    ModelManifest.checkTask(task);
    Checks.nonNull("kind", kind);
    if (kind == ModelKind.FEATURES) {
      throw Checks.invalid("kind", "must be CLASSIFICATION or SEGMENTATION, got FEATURES: a "
          + "features model is the backbone alone and needs no training; publish one with "
          + "bin/medlora export");
    }
    classNames = List.copyOf(Checks.nonNull("classNames", classNames));
    if (!classNames.isEmpty()) {
      if (classNames.size() < 2) {
        throw Checks.invalid("classNames", "must be empty (derived from the data set) or hold "
            + ">= 2 classes, got " + classNames);
      }
      ModelManifest.checkClasses(kind, classNames);
    }
    Checks.nonNull("dataset", dataset);
    if (kind == ModelKind.SEGMENTATION && !dataset.layout().hasMasks()) {
      throw Checks.invalid("dataset.layout", "\"" + dataset.layout() + "\" holds no masks, so "
          + "it cannot train a SEGMENTATION model");
    }
    if (kind == ModelKind.CLASSIFICATION && !dataset.layout().hasImageLabels()) {
      throw Checks.invalid("dataset.layout", "\"" + dataset.layout() + "\" holds no image "
          + "labels, so it cannot train a CLASSIFICATION model");
    }
    Checks.nonBlank("checkpoint", checkpoint);
    if (!checkpoint.endsWith(".safetensors")) {
      throw Checks.invalid("checkpoint", "must be the path of a .safetensors file (convert a "
          + ".pth checkpoint first, see the README), got " + Checks.quoted(checkpoint));
    }
    Checks.nonNull("method", method);
    Checks.nonNull("optimizer", optimizer);
    Checks.between("epochs", epochs, 1, MAX_EPOCHS);
    if (optimizer.warmupEpochs() >= epochs) {
      throw Checks.invalid("optimizer.warmupEpochs",
          "must be less than epochs (" + epochs + "), got " + optimizer.warmupEpochs());
    }
    Checks.between("batchSize", batchSize, 1, MAX_BATCH_SIZE);
    if (imageSize < PATCH_SIZE || imageSize > MAX_IMAGE_SIZE || imageSize % PATCH_SIZE != 0) {
      throw Checks.invalid("imageSize", "must be a multiple of the patch size " + PATCH_SIZE
          + " between " + PATCH_SIZE + " and " + MAX_IMAGE_SIZE + ", got " + imageSize);
    }
    Checks.nonNull("augmentation", augmentation);
    if (diceLoss && kind != ModelKind.SEGMENTATION) {
      throw Checks.invalid("diceLoss", "must be false for a " + kind + " model: Dice measures "
          + "overlapping masks");
    }
    Checks.nonNull("pooling", pooling);
    Checks.nonNull("decoder", decoder);
    if (decoder.train() && kind != ModelKind.SEGMENTATION) {
      throw Checks.invalid("decoder.train", "must be false for a " + kind + " model: the "
          + "decoder upsamples segmentation logits");
    }
    Checks.nonNull("export", export);
  }

  /** A request in the current {@link #SCHEMA_VERSION}. */
  public TrainingRequest(
      String requestId,
      String task,
      ModelKind kind,
      List<String> classNames,
      DatasetSpec dataset,
      String checkpoint,
      MethodSpec method,
      OptimizerSpec optimizer,
      int epochs,
      int batchSize,
      int imageSize,
      AugmentationSpec augmentation,
      boolean classWeighting,
      boolean diceLoss,
      Pooling pooling,
      DecoderSpec decoder,
      ExportOptions export,
      long seed) {
    this(SCHEMA_VERSION, requestId, task, kind, classNames, dataset, checkpoint, method,
        optimizer, epochs, batchSize, imageSize, augmentation, classWeighting, diceLoss, pooling,
        decoder, export, seed);
  }

  /**
   * A request with every optional field at its default. The defaults are this class's and the
   * specs' {@code DEFAULT} constants, which {@link MessageCodec} gives absent JSON fields too.
   */
  public static TrainingRequest minimal(
      String requestId, String task, ModelKind kind, DatasetSpec dataset, String checkpoint) {
    return new TrainingRequest(requestId, task, kind, List.of(), dataset, checkpoint,
        MethodSpec.DEFAULT, OptimizerSpec.DEFAULT, DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE,
        DEFAULT_IMAGE_SIZE, AugmentationSpec.DEFAULT, DEFAULT_CLASS_WEIGHTING, DEFAULT_DICE_LOSS,
        DEFAULT_POOLING, DecoderSpec.DEFAULT, ExportOptions.DEFAULT, DEFAULT_SEED);
  }

  /**
   * Returns {@code requestId} if it is a valid request id, else throws. Exposed because the id is
   * also a Kafka key and may name a working directory.
   *
   * @throws IllegalArgumentException naming the rule the id broke
   */
  public static String checkRequestId(String requestId) {
    if (requestId == null
        || !REQUEST_ID.matcher(requestId).matches()
        || requestId.equals(".")
        || requestId.equals("..")) {
      throw Checks.invalid("requestId", "must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' "
          + "and '-' (not \".\" or \"..\"), got " + Checks.quoted(requestId));
    }
    return requestId;
  }
}
