package org.medlora.safetensors;

/** TEMPORARY until the checkpoint branch lands. */
public record FloatTensor(long[] shape, float[] data) {}
