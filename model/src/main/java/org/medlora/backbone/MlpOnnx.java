package org.medlora.backbone;

import org.medlora.lora.LoraAdapterBlock;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/** {@link MlpBlock} as ONNX: fc2(GELU(fc1(x))), LoRA merged. */
final class MlpOnnx {

  private MlpOnnx() {}

  static String emit(OnnxGraph g, String x, MlpBlock block, String key) {
    LoraAdapterBlock.requireMerged(block.adapters.values(), key);
    String h = OnnxOps.linear(g, x, key + ".fc1", block.fc1Weight, block.fc1Bias);
    return OnnxOps.linear(g, OnnxOps.gelu(g, h), key + ".fc2", block.fc2Weight, block.fc2Bias);
  }
}
