package org.medlora.lora;

import static org.medlora.testing.ReferenceFixture.TOKEN_TOLERANCE;
import static org.medlora.testing.ReferenceFixture.input;
import static org.medlora.testing.ReferenceFixture.output;
import static org.medlora.testing.TensorAssert.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.testing.FixtureLora;
import org.medlora.testing.ReferenceFixture;

/** Fixture A's q/v LoRA (r 3, scaling 1): live adapters, merged weights, and unmerging. */
class LoraReferenceParityTest {

  private NDManager manager;
  private ParameterStore ps;
  private DinoV2Backbone backbone;
  private NDArray pixels;

  @BeforeEach
  void load() throws Exception {
    manager = NDManager.newBaseManager();
    ps = new ParameterStore(manager, false);
    DinoV2Checkpoint ckpt = DinoV2Checkpoint.load(ReferenceFixture.file("weights_meta.safetensors"));
    backbone = DinoV2Backbone.fromCheckpoint(manager, ckpt, FixtureLora.adapter());
    pixels = manager.create(input("pixel_values").data(), new Shape(2, 3, 224, 224));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void adaptersOnQueryAndValueReproduceTheReferenceLoraOutputs() {
    NDList out = backbone.forward(ps, new NDList(pixels), false);
    assertClose(output("lora.x_norm_clstoken"), out.get(0), TOKEN_TOLERANCE, "lora.x_norm_clstoken");
    assertClose(output("lora.x_norm_patchtokens"), out.get(1), TOKEN_TOLERANCE, "lora.x_norm_patchtokens");
  }

  @Test
  void mergingFoldsTheUpdateIntoTheQkvRowsOnly() {
    backbone.mergeLora();
    for (int block = 0; block < 2; block++) {
      String key = "blocks." + block + ".attn.qkv.weight";
      NDArray merged = backbone.checkpointParameters().get(key).getArray();
      assertClose(ReferenceFixture.tensor("lora_merged_qkv.safetensors", key), merged, 1e-5, key);
    }
  }

  @Test
  void mergedForwardEqualsTheUnmergedForward() {
    float[] live = backbone.forward(ps, new NDList(pixels), false).get(1).toFloatArray();
    backbone.mergeLora();
    float[] merged = backbone.forward(ps, new NDList(pixels), false).get(1).toFloatArray();
    assertClose(live, merged, 1e-5, "merged vs unmerged patch tokens");
  }

  @Test
  void unmergingRestoresTheBaseModel() {
    backbone.mergeLora();
    backbone.unmergeLora();
    String key = "blocks.1.attn.qkv.weight";
    assertClose(
        ReferenceFixture.tensor("weights_meta.safetensors", key),
        backbone.checkpointParameters().get(key).getArray(),
        1e-6,
        "qkv after merge + unmerge");
  }
}
