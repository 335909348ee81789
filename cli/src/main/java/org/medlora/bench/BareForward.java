package org.medlora.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.Map;
import org.medlora.backbone.DinoV2Config;

/**
 * The benchmark's yardstick: DINOv2's forward pass as a flat list of libtorch calls on the same
 * weights, with no blocks, parameter store, scopes or adapter hooks. Timing it beside
 * {@code DinoV2Backbone} shows what the project's own code adds over libtorch itself. It skips
 * position-embedding interpolation, so it is only valid at the pretraining grid or as a bound.
 */
final class BareForward {

  private final DinoV2Config config;
  private final Map<String, Parameter> weights;

  BareForward(DinoV2Config config, Map<String, Parameter> weights) {
    this.config = config;
    this.weights = weights;
  }

  private NDArray w(String key) {
    return weights.get(key).getArray();
  }

  /** Patch tokens (B, N, D) after the final norm; {@code pos} is the (1, 1+N, D) embedding. */
  NDArray forward(NDArray pixels, NDArray pos) {
    int d = config.embedDim();
    int h = config.numHeads();
    long b = pixels.getShape().get(0);
    float eps = config.layerNormEps();
    Shape dim = new Shape(d);
    NDArray x =
        Conv2d.conv2d(pixels, w("patch_embed.proj.weight"), w("patch_embed.proj.bias"),
                new Shape(config.patchSize(), config.patchSize()))
            .head();
    x = x.reshape(b, d, -1).transpose(0, 2, 1);
    x = w("cls_token").broadcast(b, 1, d).concat(x, 1).add(pos);
    long t = x.getShape().get(1);
    for (int i = 0; i < config.depth(); i++) {
      String p = "blocks." + i + ".";
      NDArray y = LayerNorm.layerNorm(x, dim, w(p + "norm1.weight"), w(p + "norm1.bias"), eps).head();
      NDArray qkv = Linear.linear(y, w(p + "attn.qkv.weight"), w(p + "attn.qkv.bias")).head();
      NDArray heads = qkv.reshape(b, t, 3, h, d / h).transpose(2, 0, 3, 1, 4); // (3, B, H, T, E)
      NDArray q = heads.get(0).mul(Math.pow(d / h, -0.5));
      NDArray attn = q.matMul(heads.get(1).transpose(0, 1, 3, 2)).softmax(3);
      NDArray o = attn.matMul(heads.get(2)).transpose(0, 2, 1, 3).reshape(b, t, d);
      o = Linear.linear(o, w(p + "attn.proj.weight"), w(p + "attn.proj.bias")).head();
      x = x.add(o.mul(w(p + "ls1.gamma")));
      y = LayerNorm.layerNorm(x, dim, w(p + "norm2.weight"), w(p + "norm2.bias"), eps).head();
      y = Linear.linear(y, w(p + "mlp.fc1.weight"), w(p + "mlp.fc1.bias")).head().getNDArrayInternal().gelu();
      y = Linear.linear(y, w(p + "mlp.fc2.weight"), w(p + "mlp.fc2.bias")).head();
      x = x.add(y.mul(w(p + "ls2.gamma")));
    }
    NDList out = LayerNorm.layerNorm(x, dim, w("norm.weight"), w("norm.bias"), eps);
    return out.head().get(":, 1:");
  }
}
