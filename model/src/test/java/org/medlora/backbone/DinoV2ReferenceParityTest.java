package org.medlora.backbone;

import static org.medlora.testing.ReferenceFixture.TOKEN_TOLERANCE;
import static org.medlora.testing.ReferenceFixture.input;
import static org.medlora.testing.ReferenceFixture.output;
import static org.medlora.testing.TensorAssert.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.Preprocessor;
import org.medlora.safetensors.FloatTensor;
import org.medlora.testing.ReferenceFixture;

/**
 * The Java backbone against the official DINOv2 code's outputs on fixture A (D 64, 2 blocks,
 * 4 heads). Tolerances: 2e-5 for tokens (the fixture's "tight" bar, 2-4x float32 noise) and
 * 1e-5 for the interpolated position embedding, as the fixture README recommends.
 */
class DinoV2ReferenceParityTest {

  private static NDManager manager;
  private static ParameterStore ps;
  private static DinoV2Backbone backbone;

  @BeforeAll
  static void load() throws Exception {
    manager = NDManager.newBaseManager();
    ps = new ParameterStore(manager, false);
    DinoV2Checkpoint ckpt = DinoV2Checkpoint.load(ReferenceFixture.file("weights_meta.safetensors"));
    backbone = DinoV2Backbone.fromCheckpoint(manager, ckpt);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static NDArray array(FloatTensor t) {
    return manager.create(t.data(), new Shape(t.shape()));
  }

  @Test
  void positionEmbeddingIsResampledExactlyLikeDinoV2At224() {
    NDArray pos = backbone.positionEmbedding(ps, manager, 16, 16, false);
    assertClose(output("pos_embed_interp"), pos, 1e-5, "pos_embed_interp");
  }

  @Test
  void tokenEmbeddingAndEachBlockMatchTheReference() {
    NDArray pixels = array(input("pixel_values"));
    NDArray tokens = backbone.embedTokens(ps, pixels, false);
    assertClose(output("tokens_embed"), tokens, TOKEN_TOLERANCE, "tokens_embed");
    NDArray block0 = backbone.blocks().get(0).forward(ps, new NDList(tokens), false).head();
    assertClose(output("block_outputs.0"), block0, TOKEN_TOLERANCE, "block_outputs.0");
    NDArray block1 = backbone.blocks().get(1).forward(ps, new NDList(block0), false).head();
    assertClose(output("x_prenorm"), block1, TOKEN_TOLERANCE, "x_prenorm");
  }

  @Test
  void normalizedTokensMatchOnRandomInput() {
    NDList out = backbone.forward(ps, new NDList(array(input("pixel_values"))), false);
    assertClose(output("x_norm_clstoken"), out.get(0), TOKEN_TOLERANCE, "x_norm_clstoken");
    assertClose(output("x_norm_patchtokens"), out.get(1), TOKEN_TOLERANCE, "x_norm_patchtokens");
  }

  @Test
  void normalizedTokensMatchOnThePreprocessedPng() {
    NDList out = backbone.forward(ps, new NDList(array(input("png_pixel_values"))), false);
    assertClose(output("png.x_norm_clstoken"), out.get(0), TOKEN_TOLERANCE, "png.x_norm_clstoken");
    assertClose(output("png.x_norm_patchtokens"), out.get(1), TOKEN_TOLERANCE, "png.x_norm_patchtokens");
  }

  @Test
  void pngPreprocessedInJavaAt518UsesTheStoredGridWithoutInterpolation() throws Exception {
    var image = ImageDecoder.decode(ReferenceFixture.file("image.png"), ImageLimits.DEFAULT);
    float[] chw = Preprocessor.toModelInput(image, PreprocessingSpec.imagenet(518, 518));
    NDArray pixels = manager.create(chw, new Shape(1, 3, 518, 518));
    NDList out = backbone.forward(ps, new NDList(pixels), false);
    assertClose(output("png518.x_norm_clstoken"), out.get(0), TOKEN_TOLERANCE, "png518.x_norm_clstoken");
    assertClose(output("png518.x_norm_patchtokens"), out.get(1), TOKEN_TOLERANCE, "png518.x_norm_patchtokens");
  }

  @Test
  void huggingFaceLayoutGivesTheSameModel() throws Exception {
    DinoV2Checkpoint hf = DinoV2Checkpoint.load(ReferenceFixture.file("weights_hf.safetensors"));
    try (NDManager m = NDManager.newBaseManager()) {
      DinoV2Backbone fromHf = DinoV2Backbone.fromCheckpoint(m, hf);
      NDArray pixels = m.create(input("pixel_values").data(), new Shape(2, 3, 224, 224));
      NDList out = fromHf.forward(new ParameterStore(m, false), new NDList(pixels), false);
      assertClose(output("x_norm_clstoken"), out.get(0), TOKEN_TOLERANCE, "HF x_norm_clstoken");
      assertClose(output("x_norm_patchtokens"), out.get(1), TOKEN_TOLERANCE, "HF x_norm_patchtokens");
    }
  }
}
