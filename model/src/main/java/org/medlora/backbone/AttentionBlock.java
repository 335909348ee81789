package org.medlora.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.medlora.contracts.LoraTarget;
import org.medlora.lora.LoraAdapterBlock;
import org.medlora.lora.LoraConfig;

/**
 * Multi-head self-attention with DINOv2's fused qkv projection, written out as
 * {@code softmax((q * hd^-0.5) k^T) v} because libtorch's fused attention is not reachable from
 * DJL. Dimensions: B batch, T tokens, D width, H heads, E = D / H head width.
 *
 * <p>LoRA adapters, when configured, add their update to the q, k or v slice of the fused
 * projection and to the output projection.
 */
final class AttentionBlock extends AbstractBlock {

  private final int numHeads;
  private final int embedDim;
  private final float scale;
  final Parameter qkvWeight;
  final Parameter qkvBias;
  final Parameter projWeight;
  final Parameter projBias;
  final Map<LoraTarget, LoraAdapterBlock> adapters = new EnumMap<>(LoraTarget.class);

  AttentionBlock(DinoV2Config config, LoraConfig lora) {
    numHeads = config.numHeads();
    embedDim = config.embedDim();
    scale = (float) Math.pow(config.headDim(), -0.5);
    int d = embedDim;
    qkvWeight = addParameter(ParameterSpec.weight("qkv_weight", 3L * d, d));
    qkvBias = addParameter(ParameterSpec.bias("qkv_bias", 3L * d));
    projWeight = addParameter(ParameterSpec.weight("proj_weight", d, d));
    projBias = addParameter(ParameterSpec.bias("proj_bias", d));
    if (lora != null) {
      for (LoraTarget target : new LoraTarget[] {LoraTarget.Q, LoraTarget.K, LoraTarget.V, LoraTarget.PROJ}) {
        if (lora.targets().contains(target)) {
          String name = "lora_" + target.name().toLowerCase(Locale.ROOT);
          adapters.put(target, addChildBlock(name, new LoraAdapterBlock(d, d, lora)));
        }
      }
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, T, D)
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray qkv =
        Linear.linear(
                x,
                ps.getValue(qkvWeight, x.getDevice(), training),
                ps.getValue(qkvBias, x.getDevice(), training))
            .head(); // (B, T, 3D)
    NDList parts = qkv.split(3, 2); // q, k, v: (B, T, D) each
    NDArray q = heads(LoraAdapterBlock.addUpdate(adapters.get(LoraTarget.Q), ps, x, parts.get(0), training), b, t);
    NDArray k = heads(LoraAdapterBlock.addUpdate(adapters.get(LoraTarget.K), ps, x, parts.get(1), training), b, t);
    NDArray v = heads(LoraAdapterBlock.addUpdate(adapters.get(LoraTarget.V), ps, x, parts.get(2), training), b, t);

    NDArray attn = Scalars.times(q, scale).matMul(k.transpose(0, 1, 3, 2)).softmax(3); // (B, H, T, T)
    // (B, H, T, E) -> (B, T, H, E) -> (B, T, D)
    NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, embedDim);
    NDArray y =
        Linear.linear(
                out,
                ps.getValue(projWeight, x.getDevice(), training),
                ps.getValue(projBias, x.getDevice(), training))
            .head();
    return new NDList(LoraAdapterBlock.addUpdate(adapters.get(LoraTarget.PROJ), ps, out, y, training));
  }

  /** (B, T, D) -> (B, T, H, E) -> (B, H, T, E). */
  private NDArray heads(NDArray x, long b, long t) {
    return x.reshape(b, t, numHeads, embedDim / numHeads).transpose(0, 2, 1, 3);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    for (LoraAdapterBlock adapter : adapters.values()) {
      adapter.initialize(manager, dataType, shapes[0]);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
