package org.medlora.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import org.medlora.lora.LoraConfig;

/**
 * One pre-norm DINOv2 block with LayerScale, (B, T, D) -> (B, T, D):
 * {@code x += ls1 * attn(norm1(x)); x += ls2 * mlp(norm2(x))}.
 */
final class TransformerBlock extends AbstractBlock {

  final LayerNorm norm1;
  final AttentionBlock attn;
  final Parameter ls1;
  final LayerNorm norm2;
  final MlpBlock mlp;
  final Parameter ls2;

  TransformerBlock(DinoV2Config config, LoraConfig lora) {
    norm1 = addChildBlock("norm1", layerNorm(config));
    attn = addChildBlock("attn", new AttentionBlock(config, lora));
    norm2 = addChildBlock("norm2", layerNorm(config));
    mlp = addChildBlock("mlp", new MlpBlock(config, lora));
    // DINOv2 starts LayerScale at 1e-5 so that fresh blocks barely perturb the residual stream.
    ConstantInitializer small = new ConstantInitializer(1e-5f);
    ls1 = addParameter(ParameterSpec.of("ls1_gamma", Parameter.Type.GAMMA, small, config.embedDim()));
    ls2 = addParameter(ParameterSpec.of("ls2_gamma", Parameter.Type.GAMMA, small, config.embedDim()));
  }

  static LayerNorm layerNorm(DinoV2Config config) {
    return LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray a = attn.forward(ps, norm1.forward(ps, inputs, training), training).head();
    x = x.add(a.mul(ps.getValue(ls1, x.getDevice(), training)));
    NDList h = norm2.forward(ps, new NDList(x), training);
    NDArray m = mlp.forward(ps, h, training).head();
    return new NDList(x.add(m.mul(ps.getValue(ls2, x.getDevice(), training))));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    for (var child : getChildren().values()) {
      child.initialize(manager, dataType, shapes[0]);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
