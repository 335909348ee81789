package org.medlora.backbone;

import org.medlora.lora.LoraAdapterBlock;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/** {@link MlpBlock} as ONNX: fc2(GELU(fc1(x))), LoRA merged. */
final class MlpOnnx {

  private MlpOnnx() {}

  static String emit(OnnxGraph g, String x, MlpBlock block, String key) {
    LoraAdapterBlock.requireMerged(block.adapters.values(), key);
    String h = OnnxOps.linear(g, x, g.initializer(key + ".fc1.weight", block.fc1Weight),
        g.initializer(key + ".fc1.bias", block.fc1Bias));
    return OnnxOps.linear(g, OnnxOps.gelu(g, h), g.initializer(key + ".fc2.weight", block.fc2Weight),
        g.initializer(key + ".fc2.bias", block.fc2Bias));
  }
}
