package org.medlora.service.models;

import java.util.Locale;

/**
 * The ONNX Runtime execution provider a model's session runs on: CUDA only when configured and
 * offered by the runtime, else CPU. Shown per model in {@code GET /v1/models} and as a metric,
 * so a silent fallback to CPU is visible.
 */
public enum ExecutionProvider {
  CPU,
  CUDA;

  /** The name in JSON and in metric tags: {@code cpu}, {@code cuda}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
