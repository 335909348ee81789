package org.medlora.backbone;

/**
 * The shape of a DINOv2 Vision Transformer. Every released checkpoint uses patch 14, a 37x37
 * learned position grid (pretrained at 518x518), MLP ratio 4, LayerNorm eps 1e-6 and LayerScale.
 *
 * @param embedDim token width D
 * @param depth number of transformer blocks L
 * @param numHeads attention heads; D must divide evenly into them
 * @param patchSize side P of the square patches (and of the patch-embedding convolution kernel)
 * @param positionGrid side G of the learned position-embedding grid (G*G + 1 positions)
 * @param numRegisterTokens R extra learned tokens after CLS that receive no position embedding
 * @param mlpHiddenDim hidden width of each block's MLP
 * @param layerNormEps epsilon of every LayerNorm
 * @param interpolateOffset DINOv2's offset in the position-embedding scale factor (g + offset)/G
 */
public record DinoV2Config(
    int embedDim,
    int depth,
    int numHeads,
    int patchSize,
    int positionGrid,
    int numRegisterTokens,
    int mlpHiddenDim,
    float layerNormEps,
    float interpolateOffset) {

  public DinoV2Config {
    requirePositive("embedDim", embedDim);
    requirePositive("depth", depth);
    requirePositive("numHeads", numHeads);
    requirePositive("patchSize", patchSize);
    requirePositive("positionGrid", positionGrid);
    requirePositive("mlpHiddenDim", mlpHiddenDim);
    if (numRegisterTokens < 0) {
      throw new IllegalArgumentException("numRegisterTokens must be >= 0, got " + numRegisterTokens);
    }
    if (embedDim % numHeads != 0) {
      throw new IllegalArgumentException(
          "embedDim " + embedDim + " is not divisible by numHeads " + numHeads);
    }
    if (!(layerNormEps > 0f)) {
      throw new IllegalArgumentException("layerNormEps must be > 0, got " + layerNormEps);
    }
  }

  /** ViT-S/14: 384 wide, 12 blocks, 6 heads (the paper's backbone). */
  public static DinoV2Config vitS14() {
    return released(384, 12, 6);
  }

  /** ViT-B/14: 768 wide, 12 blocks, 12 heads. */
  public static DinoV2Config vitB14() {
    return released(768, 12, 12);
  }

  /** ViT-L/14: 1024 wide, 24 blocks, 16 heads. */
  public static DinoV2Config vitL14() {
    return released(1024, 24, 16);
  }

  private static DinoV2Config released(int dim, int depth, int heads) {
    return new DinoV2Config(dim, depth, heads, 14, 37, 0, 4 * dim, 1e-6f, 0.1f);
  }

  /** The same model with {@code count} register tokens (the "-reg4" checkpoints use 4). */
  public DinoV2Config withRegisterTokens(int count) {
    return new DinoV2Config(
        embedDim, depth, numHeads, patchSize, positionGrid, count, mlpHiddenDim, layerNormEps,
        interpolateOffset);
  }

  public int headDim() {
    return embedDim / numHeads;
  }

  /** Patch grid side for an input side in pixels; the side must be a multiple of the patch. */
  public int gridSize(int pixels) {
    if (pixels <= 0 || pixels % patchSize != 0) {
      throw new IllegalArgumentException(
          "image side " + pixels + " must be a positive multiple of the patch size " + patchSize);
    }
    return pixels / patchSize;
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }
}
