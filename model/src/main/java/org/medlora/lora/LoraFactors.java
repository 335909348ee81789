package org.medlora.lora;

import org.medlora.safetensors.FloatTensor;

/**
 * The two factors of one adapter as stored in a file.
 *
 * @param down A, shape (r, in)
 * @param up B, shape (out, r)
 */
public record LoraFactors(FloatTensor down, FloatTensor up) {}
