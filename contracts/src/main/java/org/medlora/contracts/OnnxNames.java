package org.medlora.contracts;

/**
 * The names an exported model is read by: its input, its outputs and the metadata keys it
 * carries inside the ONNX file. The exporter writes them, the service and Triton's configuration
 * read them; a {@link ModelManifest} lists which outputs a given model has.
 */
public final class OnnxNames {

  /** The only input: normalized pixels, float32 (B, 3, H, W). */
  public static final String INPUT = "pixel_values";

  /** Class scores before softmax: (B, C) for classification, (B, C, H, W) for segmentation. */
  public static final String LOGITS = "logits";

  /** Softmax of the classification logits, (B, C). */
  public static final String PROBABILITIES = "probabilities";

  /** Segmentation class per pixel, the arg max of the logits, uint8 (B, H, W). */
  public static final String MASK = "mask";

  /** Features: the normalized CLS token, (B, D). */
  public static final String CLS_TOKEN = "x_norm_clstoken";

  /** Features: the normalized patch tokens in row-major grid order, (B, N, D). */
  public static final String PATCH_TOKENS = "x_norm_patchtokens";

  /** Features: the normalized register tokens, (B, R, D); only for models with registers. */
  public static final String REGISTER_TOKENS = "x_norm_regtokens";

  // ONNX metadata, so that a model file separated from its manifest still says what it is; a
  // loader checks the first three against the manifest.

  /** Metadata: the task, as in the manifest. */
  public static final String META_TASK = "medlora.task";

  /** Metadata (and Triton parameter): the {@link ModelKind#jsonName}. */
  public static final String META_KIND = "medlora.kind";

  /** Metadata: the class names in output order, joined by commas. */
  public static final String META_CLASS_NAMES = "medlora.class_names";

  /** Metadata: the input size, {@code <height>x<width>}. */
  public static final String META_INPUT_SIZE = "medlora.input_size";

  /** Metadata: the backbone checkpoint's SHA-256. */
  public static final String META_CHECKPOINT_SHA256 = "medlora.checkpoint_sha256";

  /** Metadata: the {@link MethodKind#jsonName}. */
  public static final String META_METHOD = "medlora.method";

  /** Triton parameter prefix of the class names: {@code medlora.class.0}, {@code medlora.class.1}, ... */
  public static final String TRITON_CLASS_PREFIX = "medlora.class.";

  private OnnxNames() {}
}
