package org.medlora.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Cuts the image into non-overlapping P x P patches and projects each to D channels: a Conv2d
 * with kernel and stride P. Input (B, 3, H, W) with H and W multiples of P; output (B, N, D)
 * with N = (H/P)(W/P) in row-major patch order.
 */
final class PatchEmbedBlock extends AbstractBlock {

  private final int patchSize;
  private final int embedDim;
  final Parameter weight;
  final Parameter bias;

  PatchEmbedBlock(DinoV2Config config) {
    patchSize = config.patchSize();
    embedDim = config.embedDim();
    weight = addParameter(ParameterSpec.weight("weight", embedDim, 3, patchSize, patchSize));
    bias = addParameter(ParameterSpec.bias("bias", embedDim));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape stride = new Shape(patchSize, patchSize);
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = ps.getValue(bias, x.getDevice(), training);
    NDArray y = Conv2d.conv2d(x, w, b, stride).head(); // (B, D, H/P, W/P)
    long batch = y.getShape().get(0);
    // (B, D, gh, gw) -> (B, D, N) -> (B, N, D)
    return new NDList(y.reshape(batch, embedDim, -1).transpose(0, 2, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long tokens = (in.get(2) / patchSize) * (in.get(3) / patchSize);
    return new Shape[] {new Shape(in.get(0), tokens, embedDim)};
  }
}
