package org.medlora.backbone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.medlora.safetensors.FloatTensor;

/**
 * DINOv2 backbone weights, float32, always keyed by Meta names ({@code cls_token},
 * {@code blocks.N.attn.qkv.weight}, ...) whatever layout the file used, in Meta state_dict order.
 *
 * @param config architecture inferred from the tensor shapes (heads and eps from metadata,
 *     config.json or defaults, see {@code notes})
 * @param layout the naming the file used
 * @param tensors Meta name to tensor; HuggingFace q, k, v are fused into {@code attn.qkv}
 * @param sha256 lowercase hex SHA-256 of the file bytes, to pin what a model was trained from
 * @param notes human-readable facts worth logging: where num_heads and eps came from, widened
 *     dtypes, stripped prefixes, ignored head tensors
 */
public record DinoV2Checkpoint(
    DinoV2Config config,
    CheckpointLayout layout,
    Map<String, FloatTensor> tensors,
    String sha256,
    List<String> notes) {

  public DinoV2Checkpoint {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(sha256, "sha256");
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    notes = List.copyOf(notes);
  }

  public DinoV2Checkpoint(
      DinoV2Config config,
      CheckpointLayout layout,
      Map<String, FloatTensor> tensors,
      String sha256) {
    this(config, layout, tensors, sha256, List.of());
  }

  /**
   * Loads a Meta or HuggingFace DINOv2 safetensors checkpoint (layout detected from the names),
   * validates every name and shape against the architecture the tensors imply, and widens
   * F16/BF16/F64 to float32.
   *
   * @throws org.medlora.safetensors.SafetensorsFormatException if the file is not valid
   *     safetensors
   * @throws CheckpointFormatException if it is not a supported DINOv2 backbone
   */
  public static DinoV2Checkpoint load(Path file) throws IOException {
    return CheckpointLoader.load(file);
  }

  /**
   * The SHA-256 of a file, lowercase hex as in {@link #sha256()}, without loading it: to check
   * that a checkpoint is the one a model was trained on before reading its tensors.
   */
  public static String fileSha256(Path file) throws IOException {
    return CheckpointLoader.sha256(file);
  }

  /** The tensor with this Meta name. */
  public FloatTensor tensor(String metaName) {
    FloatTensor tensor = tensors.get(metaName);
    if (tensor == null) {
      throw new IllegalArgumentException(
          "no tensor '" + metaName + "' in this checkpoint; Meta names such as cls_token,"
              + " blocks.0.attn.qkv.weight or norm.weight are expected (" + tensors.size()
              + " tensors)");
    }
    return tensor;
  }

  /** A summary: the tensors themselves are too big to print. */
  @Override
  public String toString() {
    return "DinoV2Checkpoint[" + config + ", " + layout + ", " + tensors.size()
        + " tensors, sha256=" + sha256 + "]";
  }
}
