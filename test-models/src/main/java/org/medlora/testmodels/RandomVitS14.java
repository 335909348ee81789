package org.medlora.testmodels;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.SegmentationHead;
import org.medlora.backbone.DinoV2Config;
import org.medlora.backbone.RandomCheckpoints;

/**
 * Writes a random-weight DINOv2 ViT-S/14 checkpoint in Meta's key layout (the shapes of
 * {@code dinov2_vits14_pretrain.pth}, through {@link RandomCheckpoints}) and a random 2-class
 * segmentation head for 448x448 inputs (32x32 patches). Speed does not depend on
 * the values, so this stands in for real weights, which medlora never downloads.
 *
 * <p>Usage: {@code RandomVitS14 <dir>}; writes {@code vits14-random.safetensors} and
 * {@code seg-head-448.safetensors}, unless they exist.
 */
public final class RandomVitS14 {

  static final int DIM = 384;
  static final int PATCH = 14;

  private RandomVitS14() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    Path checkpoint = dir.resolve("vits14-random.safetensors");
    Path head = dir.resolve("seg-head-448.safetensors");
    if (!Files.exists(checkpoint)) {
      RandomCheckpoints.write(DinoV2Config.vitS14(), checkpoint);
    }
    if (!Files.exists(head)) {
      try (NDManager m = NDManager.newBaseManager()) {
        SegmentationHead seg = new SegmentationHead(DIM, 2, 448 / PATCH, 448 / PATCH);
        seg.initialize(m, DataType.FLOAT32, new Shape(1, DIM));
        HeadFiles.writeSegmenter(head, seg, List.of("background", "lung"));
      }
    }
    System.out.println("wrote " + checkpoint + " and " + head);
  }
}
