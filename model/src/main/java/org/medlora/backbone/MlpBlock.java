package org.medlora.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
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

/** The block's feed-forward part: fc2(GELU(fc1(x))), (B, T, D) -> (B, T, M) -> (B, T, D). */
final class MlpBlock extends AbstractBlock {

  final Parameter fc1Weight;
  final Parameter fc1Bias;
  final Parameter fc2Weight;
  final Parameter fc2Bias;
  final Map<LoraTarget, LoraAdapterBlock> adapters = new EnumMap<>(LoraTarget.class);

  MlpBlock(DinoV2Config config, LoraConfig lora) {
    int d = config.embedDim();
    int m = config.mlpHiddenDim();
    fc1Weight = addParameter(ParameterSpec.weight("fc1_weight", m, d));
    fc1Bias = addParameter(ParameterSpec.bias("fc1_bias", m));
    fc2Weight = addParameter(ParameterSpec.weight("fc2_weight", d, m));
    fc2Bias = addParameter(ParameterSpec.bias("fc2_bias", d));
    if (lora != null) {
      addAdapter(lora, LoraTarget.FC1, d, m);
      addAdapter(lora, LoraTarget.FC2, m, d);
    }
  }

  private void addAdapter(LoraConfig lora, LoraTarget target, int in, int out) {
    if (lora.targets().contains(target)) {
      String name = "lora_" + target.name().toLowerCase(Locale.ROOT);
      adapters.put(target, addChildBlock(name, new LoraAdapterBlock(in, out, lora)));
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray h = linear(ps, x, fc1Weight, fc1Bias, LoraTarget.FC1, training); // (B, T, M)
    h = Activation.gelu(h); // exact erf form, as DINOv2's nn.GELU()
    return new NDList(linear(ps, h, fc2Weight, fc2Bias, LoraTarget.FC2, training));
  }

  private NDArray linear(
      ParameterStore ps, NDArray x, Parameter w, Parameter b, LoraTarget target, boolean training) {
    NDArray y =
        Linear.linear(
                x, ps.getValue(w, x.getDevice(), training), ps.getValue(b, x.getDevice(), training))
            .head();
    return LoraAdapterBlock.addUpdate(adapters.get(target), ps, x, y, training);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape tokens = shapes[0];
    Shape hidden = tokens.slice(0, 2).add(fc1Weight.getShape().get(0));
    for (Map.Entry<LoraTarget, LoraAdapterBlock> e : adapters.entrySet()) {
      e.getValue().initialize(manager, dataType, e.getKey() == LoraTarget.FC1 ? tokens : hidden);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
