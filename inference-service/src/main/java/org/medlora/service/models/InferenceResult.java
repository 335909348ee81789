package org.medlora.service.models;

/**
 * One image's model output.
 *
 * @param probabilities class probabilities (classification), else null
 * @param mask class index per pixel at the model's input size, row-major (segmentation), else null
 * @param maskHeight rows of {@code mask}
 * @param maskWidth columns of {@code mask}
 */
public record InferenceResult(float[] probabilities, byte[] mask, int maskHeight, int maskWidth) {}
