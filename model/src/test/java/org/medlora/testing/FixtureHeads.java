package org.medlora.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.SegmentationHead;

/** Fixture A's reference segmentation head (width 64, 3 classes, 224x224 input: 16x16 patches). */
public final class FixtureHeads {

  private FixtureHeads() {}

  /** Writes the head as {@code bin/medlora export --head} reads it, with {@code classes}. */
  public static Path writeSegmenter(Path file, List<String> classes) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      SegmentationHead seg = new SegmentationHead(64, 3, 16, 16);
      seg.initialize(m, DataType.FLOAT32, new Shape(1, 64));
      seg.weight().getArray().set(ReferenceFixture.tensor("heads.safetensors", "head_seg.weight").data());
      seg.bias().getArray().set(ReferenceFixture.tensor("heads.safetensors", "head_seg.bias").data());
      HeadFiles.writeSegmenter(file, seg, classes);
    }
    return file;
  }
}
