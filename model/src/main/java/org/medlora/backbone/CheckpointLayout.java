package org.medlora.backbone;

/** The tensor naming a DINOv2 checkpoint file uses. */
public enum CheckpointLayout {
  /** facebookresearch/dinov2 {@code model.state_dict()}: {@code blocks.N.attn.qkv.weight}, ... */
  META,
  /**
   * HuggingFace transformers {@code Dinov2Model} (and {@code Dinov2WithRegistersModel}):
   * {@code encoder.layer.N.attention.attention.query.weight}, ...; q, k and v stored separately.
   */
  HUGGING_FACE
}
