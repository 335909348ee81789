package org.medlora.testmodels;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.SegmentationHead;
import org.medlora.safetensors.SafetensorsWriter;

/**
 * Writes a random-weight DINOv2 ViT-S/14 checkpoint in Meta's key layout (the shapes of
 * {@code dinov2_vits14_pretrain.pth}: width 384, 12 blocks, MLP 1536, 37x37 position grid) and a
 * random 2-class segmentation head for 448x448 inputs (32x32 patches). Speed does not depend on
 * the values, so this stands in for real weights, which medlora never downloads.
 *
 * <p>Usage: {@code RandomVitS14 <dir>}; writes {@code vits14-random.safetensors} and
 * {@code seg-head-448.safetensors}, unless they exist.
 */
public final class RandomVitS14 {

  static final int DIM = 384;
  static final int DEPTH = 12;
  static final int MLP = 4 * DIM;
  static final int PATCH = 14;
  static final int GRID = 37;

  private RandomVitS14() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    Path checkpoint = dir.resolve("vits14-random.safetensors");
    Path head = dir.resolve("seg-head-448.safetensors");
    Random random = new Random(20250101L);
    if (!Files.exists(checkpoint)) {
      SafetensorsWriter w = new SafetensorsWriter();
      put(w, "cls_token", random, 0.02f, 1, 1, DIM);
      put(w, "pos_embed", random, 0.02f, 1, 1 + GRID * GRID, DIM);
      put(w, "mask_token", random, 0f, 1, DIM);
      put(w, "patch_embed.proj.weight", random, 0.02f, DIM, 3, PATCH, PATCH);
      put(w, "patch_embed.proj.bias", random, 0f, DIM);
      for (int b = 0; b < DEPTH; b++) {
        String p = "blocks." + b + ".";
        ones(w, p + "norm1.weight", DIM);
        put(w, p + "norm1.bias", random, 0f, DIM);
        put(w, p + "attn.qkv.weight", random, 0.02f, 3 * DIM, DIM);
        put(w, p + "attn.qkv.bias", random, 0f, 3 * DIM);
        put(w, p + "attn.proj.weight", random, 0.02f, DIM, DIM);
        put(w, p + "attn.proj.bias", random, 0f, DIM);
        fill(w, p + "ls1.gamma", 0.1f, DIM);
        ones(w, p + "norm2.weight", DIM);
        put(w, p + "norm2.bias", random, 0f, DIM);
        put(w, p + "mlp.fc1.weight", random, 0.02f, MLP, DIM);
        put(w, p + "mlp.fc1.bias", random, 0f, MLP);
        put(w, p + "mlp.fc2.weight", random, 0.02f, DIM, MLP);
        put(w, p + "mlp.fc2.bias", random, 0f, DIM);
        fill(w, p + "ls2.gamma", 0.1f, DIM);
      }
      ones(w, "norm.weight", DIM);
      put(w, "norm.bias", random, 0f, DIM);
      w.write(checkpoint);
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

  private static void put(SafetensorsWriter w, String name, Random random, float std, long... shape) {
    float[] data = new float[(int) count(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (random.nextGaussian() * std);
    }
    w.putFloats(name, shape, data);
  }

  private static void ones(SafetensorsWriter w, String name, long... shape) {
    fill(w, name, 1f, shape);
  }

  private static void fill(SafetensorsWriter w, String name, float value, long... shape) {
    float[] data = new float[(int) count(shape)];
    java.util.Arrays.fill(data, value);
    w.putFloats(name, shape, data);
  }

  private static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
