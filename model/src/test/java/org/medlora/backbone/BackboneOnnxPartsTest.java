package org.medlora.backbone;

import static org.medlora.testing.TensorAssert.assertClose;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.medlora.contracts.LoraTarget;
import org.medlora.lora.LoraConfig;
import org.medlora.onnx.OnnxGraph;
import org.medlora.testing.OrtRunner;

/**
 * Each backbone part's ONNX emitter against its DJL block on random input and random weights,
 * within 1e-5 (the parts are small, so float32 reordering noise stays near 1e-6).
 */
class BackboneOnnxPartsTest {

  private static final double PART_TOLERANCE = 1e-5;
  private static final DinoV2Config CONFIG = new DinoV2Config(32, 2, 4, 14, 4, 2, 64, 1e-6f, 0.1f);

  private NDManager manager;
  private ParameterStore ps;
  private DinoV2Backbone backbone;

  @BeforeEach
  void build() {
    Engine.getInstance().setRandomSeed(11);
    manager = NDManager.newBaseManager();
    ps = new ParameterStore(manager, false);
    LoraConfig lora = new LoraConfig(2, 4f, java.util.EnumSet.allOf(LoraTarget.class), false);
    backbone = DinoV2Backbone.builder().setConfig(CONFIG).optLora(lora).build();
    backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 28, 42));
    // Random values everywhere, so that every term (LayerScale, biases, adapters) matters.
    backbone.getParameters().values().forEach(p -> p.getArray().set(manager.randomNormal(p.getShape()).mul(0.1f).toFloatArray()));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray tokens() {
    return manager.randomNormal(new Shape(2, 7, 32));
  }

  @Test
  void patchEmbeddingMatches() {
    NDArray pixels = manager.randomNormal(new Shape(2, 3, 28, 42));
    NDArray expected = backbone.patchEmbed.forward(ps, new NDList(pixels), false).head();
    OnnxGraph g = new OnnxGraph("patch_embed");
    String out = PatchEmbedOnnx.emit(g, g.input("x", 2L, 3L, 28L, 42L), backbone.patchEmbed, 14, 32);
    assertClose(expected.toFloatArray(), OrtRunner.run(g, out, pixels), PART_TOLERANCE, "patch embedding");
  }

  /** Both forms: separate operators (opset 17) and the fused Attention op (opset 23). */
  @ParameterizedTest
  @ValueSource(ints = {OnnxGraph.OPSET, OnnxGraph.ATTENTION_OPSET})
  void attentionWithMergedLoraMatchesTheLiveAdapters(int opset) {
    NDArray x = tokens();
    TransformerBlock block = backbone.blocks().get(0);
    NDArray expected = block.attn.forward(ps, new NDList(x), false).head();
    backbone.mergeLora();
    OnnxGraph g = new OnnxGraph("attention", OnnxGraph.Arithmetic.FP32, opset);
    String out = AttentionOnnx.emit(g, g.input("x", 2L, 7L, 32L), block.attn, "blocks.0.attn", CONFIG);
    assertClose(expected.toFloatArray(), OrtRunner.run(g, out, x), PART_TOLERANCE, "attention");
  }

  @Test
  void mlpWithMergedLoraMatchesTheLiveAdapters() {
    NDArray x = tokens();
    MlpBlock mlp = backbone.blocks().get(1).mlp;
    NDArray expected = mlp.forward(ps, new NDList(x), false).head();
    backbone.mergeLora();
    OnnxGraph g = new OnnxGraph("mlp");
    String out = MlpOnnx.emit(g, g.input("x", 2L, 7L, 32L), mlp, "blocks.1.mlp");
    assertClose(expected.toFloatArray(), OrtRunner.run(g, out, x), PART_TOLERANCE, "mlp");
  }

  @Test
  void transformerBlockMatches() {
    NDArray x = tokens();
    TransformerBlock block = backbone.blocks().get(1);
    NDArray expected = block.forward(ps, new NDList(x), false).head();
    backbone.mergeLora();
    OnnxGraph g = new OnnxGraph("block");
    String out = TransformerBlockOnnx.emit(g, g.input("x", 2L, 7L, 32L), block, 1, CONFIG);
    assertClose(expected.toFloatArray(), OrtRunner.run(g, out, x), PART_TOLERANCE, "transformer block");
  }

  @Test
  void wholeBackboneWithRegistersAndANonSquareInputMatches() {
    NDArray pixels = manager.randomNormal(new Shape(2, 3, 28, 42));
    NDList expected = backbone.forward(ps, new NDList(pixels), false);
    backbone.mergeLora();
    for (int i = 0; i < 3; i++) {
      OnnxGraph g = new OnnxGraph("backbone");
      List<String> outs = backbone.emitOnnx(g, g.input("x", "batch", 3L, 28L, 42L), 28, 42);
      assertClose(expected.get(i).toFloatArray(), OrtRunner.run(g, outs.get(i), pixels), 1e-4, "backbone output " + i);
    }
  }

  @Test
  void exportRefusesLiveAdapters() {
    OnnxGraph g = new OnnxGraph("attention");
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> AttentionOnnx.emit(g, g.input("x", 2L, 7L, 32L), backbone.blocks().get(0).attn, "blocks.0.attn", CONFIG));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("mergeLora"), e.getMessage());
  }
}
