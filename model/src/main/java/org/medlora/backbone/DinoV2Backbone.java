package org.medlora.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.medlora.contracts.LoraTarget;
import org.medlora.lora.LoraAdapterBlock;
import org.medlora.lora.LoraConfig;
import org.medlora.lora.LoraFactors;
import org.medlora.lora.LoraSite;
import org.medlora.lora.PeftAdapter;
import org.medlora.onnx.OnnxGraph;
import org.medlora.safetensors.FloatTensor;
import org.medlora.safetensors.SafetensorsWriter;

/**
 * The DINOv2 Vision Transformer ({@code DinoVisionTransformer.forward_features} of the reference
 * code), optionally with LoRA adapters.
 *
 * <p>Input: {@code pixels} (B, 3, H, W), normalized, H and W multiples of the patch size.
 * Output, in this order: {@code x_norm_clstoken} (B, D), {@code x_norm_patchtokens} (B, N, D)
 * with N = (H/P)(W/P) in row-major grid order, and {@code x_norm_regtokens} (B, R, D) when the
 * model has register tokens.
 *
 * <p>Parameters are addressed by their Meta checkpoint keys through {@link #checkpointParameters()},
 * the one table that maps DJL parameters, checkpoint keys and exported initializer names.
 */
public final class DinoV2Backbone extends AbstractBlock {

  private final DinoV2Config config;
  private final LoraConfig lora;
  final Parameter clsToken;
  private final Parameter posEmbed;
  private final Parameter maskToken;
  final Parameter registerTokens;
  final PatchEmbedBlock patchEmbed;
  private final List<TransformerBlock> blocks = new ArrayList<>();
  final ai.djl.nn.norm.LayerNorm norm;
  private final Map<Integer, float[]> interpolation = new ConcurrentHashMap<>();

  private DinoV2Backbone(Builder builder) {
    config = builder.config;
    lora = builder.lora;
    int d = config.embedDim();
    int g = config.positionGrid();
    Initializer tokenInit = new NormalInitializer(0.02f);
    clsToken = addParameter(ParameterSpec.of("cls_token", Parameter.Type.OTHER, tokenInit, 1, 1, d));
    posEmbed =
        addParameter(ParameterSpec.of("pos_embed", Parameter.Type.OTHER, tokenInit, 1, 1L + (long) g * g, d));
    // Only used by DINOv2's masked pre-training; kept so checkpoints load and counts match.
    maskToken = addParameter(ParameterSpec.of("mask_token", Parameter.Type.OTHER, Initializer.ZEROS, 1, d));
    registerTokens =
        config.numRegisterTokens() == 0
            ? null
            : addParameter(
                ParameterSpec.of(
                    "register_tokens", Parameter.Type.OTHER, tokenInit, 1, config.numRegisterTokens(), d));
    patchEmbed = addChildBlock("patch_embed", new PatchEmbedBlock(config));
    for (int i = 0; i < config.depth(); i++) {
      blocks.add(addChildBlock("block" + i, new TransformerBlock(config, lora)));
    }
    norm = addChildBlock("norm", TransformerBlock.layerNorm(config));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A ready-to-run backbone with the checkpoint's weights and, when {@code adapter} is not null,
   * that LoRA adapter (unmerged, so it can keep training or be merged for export).
   */
  public static DinoV2Backbone fromCheckpoint(
      NDManager manager, DinoV2Checkpoint checkpoint, PeftAdapter adapter) {
    DinoV2Backbone backbone = fromCheckpoint(manager, checkpoint, adapter == null ? null : adapter.config());
    if (adapter != null) {
      backbone.loadLoraWeights(adapter.factors());
    }
    return backbone;
  }

  /** The checkpoint's weights, without adapters. */
  public static DinoV2Backbone fromCheckpoint(NDManager manager, DinoV2Checkpoint checkpoint) {
    return fromCheckpoint(manager, checkpoint, (LoraConfig) null);
  }

  /**
   * The checkpoint's weights with fresh LoRA adapters (A Kaiming-uniform, B zero) when
   * {@code lora} is not null, ready to train.
   */
  public static DinoV2Backbone fromCheckpoint(NDManager manager, DinoV2Checkpoint checkpoint, LoraConfig lora) {
    DinoV2Config config = checkpoint.config();
    DinoV2Backbone backbone = builder().setConfig(config).optLora(lora).build();
    int p = config.patchSize();
    backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, p, p));
    backbone.loadWeights(checkpoint.tensors());
    return backbone;
  }

  public DinoV2Config config() {
    return config;
  }

  /** The LoRA configuration, or null when the backbone has no adapters. */
  public LoraConfig loraConfig() {
    return lora;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = embedTokens(ps, inputs.singletonOrThrow(), training);
    for (TransformerBlock block : blocks) {
      // One scope per block frees its intermediates at once (autograd keeps what it needs),
      // which cuts peak memory several-fold at 448x448.
      try (NDScope scope = new NDScope()) {
        NDScope.register(x);
        x = block.forward(ps, new NDList(x), training).head();
        NDScope.unregister(x);
      }
    }
    NDArray normed = norm.forward(ps, new NDList(x), training).head(); // (B, T, D)
    int r = config.numRegisterTokens();
    NDList out = new NDList(normed.get(":, 0"), normed.get(":, " + (1 + r) + ":"));
    if (r > 0) {
      out.add(normed.get(":, 1:" + (1 + r)));
    }
    return out;
  }

  /**
   * Patch tokens with CLS prepended, the position embedding added and register tokens inserted
   * after CLS (they get no position): the reference's {@code prepare_tokens_with_masks}.
   * (B, 3, H, W) -> (B, 1 + R + N, D).
   */
  NDArray embedTokens(ParameterStore ps, NDArray pixels, boolean training) {
    long b = pixels.getShape().get(0);
    int gh = config.gridSize((int) pixels.getShape().get(2));
    int gw = config.gridSize((int) pixels.getShape().get(3));
    int d = config.embedDim();
    NDArray patches = patchEmbed.forward(ps, new NDList(pixels), training).head(); // (B, N, D)
    // Ops on parameters put their results in the parameters' manager, which lives as long as
    // the model: the scope closes those intermediates, and the result moves to the input's.
    try (NDScope scope = new NDScope()) {
      NDArray cls = ps.getValue(clsToken, pixels.getDevice(), training).broadcast(b, 1, d);
      NDArray pos = positionEmbedding(ps, pixels.getManager(), gh, gw, training);
      NDArray x = cls.concat(patches, 1).add(pos); // (B, 1+N, D)
      if (registerTokens != null) {
        NDArray reg = ps.getValue(registerTokens, pixels.getDevice(), training);
        reg = reg.broadcast(b, config.numRegisterTokens(), d);
        x = NDArrays.concat(new NDList(x.get(":, :1"), reg, x.get(":, 1:")), 1);
      }
      NDScope.unregister(x);
      x.attach(pixels.getManager());
      return x;
    }
  }

  /**
   * The position embedding for a gh x gw patch grid, (1, 1 + gh*gw, D): the stored parameter
   * itself when the grid is the pretraining grid (do not close it), otherwise the grid part
   * resampled by {@link PositionInterpolation}, attached to {@code manager}.
   */
  public NDArray positionEmbedding(
      ParameterStore ps, NDManager manager, int gh, int gw, boolean training) {
    NDArray pos = ps.getValue(posEmbed, manager.getDevice(), training);
    int g = config.positionGrid();
    int d = config.embedDim();
    if (gh == g && gw == g) {
      return pos;
    }
    try (NDScope scope = new NDScope()) {
      // Copies that libtorch owns: autograd keeps the weights for the backward pass after this
      // scope closes them, and an array made from a Java buffer points into that buffer, which the
      // garbage collector frees once its closed NDArray is gone (seen as NaN in full fine-tuning).
      NDArray wy = manager.create(interpolationMatrix(gh), new Shape(gh, g)).duplicate();
      NDArray wx = manager.create(interpolationMatrix(gw), new Shape(gw, g)).duplicate();
      NDArray grid = pos.get(":, 1:").reshape(g, (long) g * d); // (G, G*D), rows = y
      NDArray rows = wy.matMul(grid).reshape(gh, g, d).transpose(1, 0, 2); // (G, gh, D), by x
      NDArray both = wx.matMul(rows.reshape(g, (long) gh * d)); // (gw, gh*D)
      NDArray resampled = both.reshape(gw, gh, d).transpose(1, 0, 2).reshape(1, (long) gh * gw, d);
      NDArray result = pos.get(":, :1").concat(resampled, 1);
      NDScope.unregister(result);
      result.attach(manager);
      return result;
    }
  }

  private float[] interpolationMatrix(int out) {
    return interpolation.computeIfAbsent(
        out, o -> PositionInterpolation.matrix(config.positionGrid(), o, config.interpolateOffset()));
  }

  /**
   * Appends this backbone, with any LoRA merged, to an ONNX graph for a fixed input size and
   * returns the names of its outputs in {@link #forward} order.
   */
  public List<String> emitOnnx(OnnxGraph graph, String pixels, int height, int width) {
    return DinoV2BackboneOnnx.emit(graph, pixels, this, height, width);
  }

  /** The transformer blocks in order, for tests that check intermediate outputs. */
  List<TransformerBlock> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  /**
   * Every backbone parameter under its Meta checkpoint key ({@code blocks.3.attn.qkv.weight}), in
   * checkpoint order. LoRA adapters are not included: see {@link #loraAdapters()}.
   */
  public Map<String, Parameter> checkpointParameters() {
    Map<String, Parameter> map = new LinkedHashMap<>();
    map.put("cls_token", clsToken);
    map.put("pos_embed", posEmbed);
    map.put("mask_token", maskToken);
    if (registerTokens != null) {
      map.put("register_tokens", registerTokens);
    }
    map.put("patch_embed.proj.weight", patchEmbed.weight);
    map.put("patch_embed.proj.bias", patchEmbed.bias);
    for (int i = 0; i < blocks.size(); i++) {
      TransformerBlock block = blocks.get(i);
      String p = "blocks." + i + ".";
      putNorm(map, p + "norm1", block.norm1);
      map.put(p + "attn.qkv.weight", block.attn.qkvWeight);
      map.put(p + "attn.qkv.bias", block.attn.qkvBias);
      map.put(p + "attn.proj.weight", block.attn.projWeight);
      map.put(p + "attn.proj.bias", block.attn.projBias);
      map.put(p + "ls1.gamma", block.ls1);
      putNorm(map, p + "norm2", block.norm2);
      map.put(p + "mlp.fc1.weight", block.mlp.fc1Weight);
      map.put(p + "mlp.fc1.bias", block.mlp.fc1Bias);
      map.put(p + "mlp.fc2.weight", block.mlp.fc2Weight);
      map.put(p + "mlp.fc2.bias", block.mlp.fc2Bias);
      map.put(p + "ls2.gamma", block.ls2);
    }
    putNorm(map, "norm", norm);
    return map;
  }

  /**
   * Writes the weights as a Meta-layout safetensors checkpoint that {@link DinoV2Checkpoint#load}
   * reads back to this backbone: every {@link #checkpointParameters()} tensor, and in the
   * metadata what their shapes do not tell (heads, LayerNorm eps, position-interpolation offset).
   * LoRA adapters are not written, {@link PeftAdapter} keeps them; merged ones would be.
   */
  public void writeCheckpoint(Path file) throws IOException {
    SafetensorsWriter writer = new SafetensorsWriter();
    for (Map.Entry<String, Parameter> e : checkpointParameters().entrySet()) {
      writer.putFloats(e.getKey(), e.getValue().getShape().getShape(), e.getValue().getArray().toFloatArray());
    }
    writer.putMetadata("num_heads", Integer.toString(config.numHeads()));
    writer.putMetadata("eps", Float.toString(config.layerNormEps()));
    writer.putMetadata("interpolate_offset", Float.toString(config.interpolateOffset()));
    writer.write(file);
  }

  private static void putNorm(Map<String, Parameter> map, String key, ai.djl.nn.norm.LayerNorm norm) {
    map.put(key + ".weight", norm.getDirectParameters().get("gamma"));
    map.put(key + ".bias", norm.getDirectParameters().get("beta"));
  }

  /** Every LoRA adapter by site, in block order; empty without LoRA. */
  public Map<LoraSite, LoraAdapterBlock> loraAdapters() {
    Map<LoraSite, LoraAdapterBlock> map = new LinkedHashMap<>();
    for (int i = 0; i < blocks.size(); i++) {
      TransformerBlock block = blocks.get(i);
      for (var e : block.attn.adapters.entrySet()) {
        map.put(new LoraSite(i, e.getKey()), e.getValue());
      }
      for (var e : block.mlp.adapters.entrySet()) {
        map.put(new LoraSite(i, e.getKey()), e.getValue());
      }
    }
    return map;
  }

  /**
   * Copies checkpoint values into the initialized parameters. Every parameter must be present
   * with its exact shape; values are copied, so the checkpoint can be dropped afterwards.
   */
  public void loadWeights(Map<String, FloatTensor> tensors) {
    for (Map.Entry<String, Parameter> e : checkpointParameters().entrySet()) {
      FloatTensor t = tensors.get(e.getKey());
      if (t == null) {
        throw new IllegalArgumentException(
            "checkpoint has no tensor '" + e.getKey() + "'; load it with DinoV2Checkpoint.load, "
                + "which checks completeness");
      }
      copyInto(e.getValue(), e.getKey(), t);
    }
  }

  /** Copies adapter factors (A then B) into the initialized adapters, e.g. from a PEFT file. */
  public void loadLoraWeights(Map<LoraSite, LoraFactors> factors) {
    Map<LoraSite, LoraAdapterBlock> adapters = loraAdapters();
    if (!adapters.keySet().equals(factors.keySet())) {
      throw new IllegalArgumentException(
          "adapter sites differ: the backbone has " + adapters.keySet() + ", the weights have "
              + factors.keySet());
    }
    for (var e : adapters.entrySet()) {
      LoraFactors f = factors.get(e.getKey());
      copyInto(e.getValue().down(), e.getKey() + ".lora_A", f.down());
      copyInto(e.getValue().up(), e.getKey() + ".lora_B", f.up());
    }
  }

  private static void copyInto(Parameter p, String key, FloatTensor t) {
    Shape expected = p.getShape();
    if (!expected.equals(new Shape(t.shape()))) {
      throw new IllegalArgumentException(
          "tensor '" + key + "' has shape " + new Shape(t.shape()) + ", expected " + expected);
    }
    p.getArray().set(t.data());
  }

  /** Folds every LoRA adapter into its base weight; the forward pass is then adapter-free. */
  public void mergeLora() {
    forEachAdapter((adapter, base, target) -> adapter.mergeInto(base, target));
  }

  /** Undoes {@link #mergeLora()}, so training can continue on the adapters. */
  public void unmergeLora() {
    forEachAdapter((adapter, base, target) -> adapter.unmergeFrom(base, target));
  }

  /** An operation on one adapter and the base weight it updates. */
  private interface AdapterOperation {
    void apply(LoraAdapterBlock adapter, NDArray baseWeight, LoraTarget target);
  }

  private void forEachAdapter(AdapterOperation operation) {
    Map<String, Parameter> base = checkpointParameters();
    for (var e : loraAdapters().entrySet()) {
      LoraSite s = e.getKey();
      operation.apply(e.getValue(), base.get(s.baseWeightKey()).getArray(), s.target());
    }
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape pixels = shapes[0];
    patchEmbed.initialize(manager, dataType, pixels);
    long n = patchEmbed.getOutputShapes(new Shape[] {pixels})[0].get(1);
    Shape tokens = new Shape(pixels.get(0), 1 + config.numRegisterTokens() + n, config.embedDim());
    for (TransformerBlock block : blocks) {
      block.initialize(manager, dataType, tokens);
    }
    norm.initialize(manager, dataType, tokens);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape pixels = inputShapes[0];
    long b = pixels.get(0);
    long d = config.embedDim();
    long n = patchEmbed.getOutputShapes(inputShapes)[0].get(1);
    Shape cls = new Shape(b, d);
    Shape patches = new Shape(b, n, d);
    return config.numRegisterTokens() == 0
        ? new Shape[] {cls, patches}
        : new Shape[] {cls, patches, new Shape(b, config.numRegisterTokens(), d)};
  }

  /** Builds a backbone: {@code setConfig} is required, {@code optLora} adds adapters. */
  public static final class Builder {
    private DinoV2Config config;
    private LoraConfig lora;

    private Builder() {}

    public Builder setConfig(DinoV2Config config) {
      this.config = config;
      return this;
    }

    public Builder optLora(LoraConfig lora) {
      this.lora = lora;
      return this;
    }

    public DinoV2Backbone build() {
      if (config == null) {
        throw new IllegalStateException(
            "setConfig is required, e.g. DinoV2Config.vitS14() or DinoV2Checkpoint.config()");
      }
      return new DinoV2Backbone(this);
    }
  }
}
