package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The UNet-like upsampling decoder of a segmenter, trained with Adam after the backbone and
 * head, on their frozen outputs (the seed paper's section 7).
 *
 * @param train whether to train one; only for segmentation; default false (logits are then
 *     upsampled bilinearly)
 * @param epochs its epochs, 1 to {@value TrainingRequest#MAX_EPOCHS}; default 20
 * @param learningRate its Adam learning rate, finite and > 0; default 1e-4
 */
public record DecoderSpec(
    boolean train, int epochs, @JsonProperty("learning-rate") double learningRate) {

  public static final DecoderSpec DEFAULT = new DecoderSpec(false, 20, 1e-4);

  public DecoderSpec {
    Checks.between("epochs", epochs, 1, TrainingRequest.MAX_EPOCHS);
    Checks.positive("learningRate", learningRate);
  }
}
