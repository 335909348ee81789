package org.medlora.backbone;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Random-weight DINOv2 checkpoints in Meta's key layout, for benchmarks: speed does not depend
 * on the values, and medlora never downloads real weights. The keys come from the backbone's own
 * checkpoint table, so they cannot drift from what the loader expects.
 */
public final class RandomCheckpoints {

  private RandomCheckpoints() {}

  /** Writes the backbone's initial random weights (seed 0) for {@code config} to {@code file}. */
  public static Path write(DinoV2Config config, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Engine.getInstance().setRandomSeed(0);
    try (NDManager m = NDManager.newBaseManager()) {
      DinoV2Backbone backbone = DinoV2Backbone.builder().setConfig(config).build();
      backbone.initialize(m, DataType.FLOAT32, new Shape(1, 3, config.patchSize(), config.patchSize()));
      backbone.writeCheckpoint(file);
    }
    return file;
  }
}
