package org.medlora.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.testing.ReferenceFixture.output;
import static org.medlora.testing.TensorAssert.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.Pooling;
import org.medlora.safetensors.FloatTensor;
import org.medlora.testing.ReferenceFixture;

/**
 * Fixture A's random test heads applied to the reference tokens: logits within 1e-4 and the
 * segmentation argmax exact wherever the reference marks the pixel unambiguous.
 */
class HeadsReferenceParityTest {

  private NDManager manager;
  private ParameterStore ps;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    ps = new ParameterStore(manager, false);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray array(FloatTensor t) {
    return manager.create(t.data(), new Shape(t.shape()));
  }

  private NDList features(String prefix) {
    return new NDList(array(output(prefix + "x_norm_clstoken")), array(output(prefix + "x_norm_patchtokens")));
  }

  private void load(Parameter weight, Parameter bias, String head) {
    weight.getArray().set(ReferenceFixture.tensor("heads.safetensors", head + ".weight").data());
    bias.getArray().set(ReferenceFixture.tensor("heads.safetensors", head + ".bias").data());
  }

  private NDArray classify(Pooling pooling, int classes, String head, NDList features) {
    ClassificationHead h = new ClassificationHead(64, classes, pooling);
    h.initialize(manager, DataType.FLOAT32, new Shape(2, 64));
    load(h.weight(), h.bias(), head);
    return h.forward(ps, features, false).head();
  }

  @Test
  void clsPlusMeanPatchClassifierMatchesDinoV2LinearEvaluation() {
    NDArray logits = classify(Pooling.CLS_AND_MEAN_PATCH, 3, "head_clsavg", features(""));
    assertClose(output("heads.clsavg_logits"), logits, 1e-4, "heads.clsavg_logits");
    NDArray png = classify(Pooling.CLS_AND_MEAN_PATCH, 3, "head_clsavg", features("png."));
    assertClose(output("png.heads.clsavg_logits"), png, 1e-4, "png.heads.clsavg_logits");
  }

  @Test
  void clsClassifierReadsTheClsTokenNotAPatch() {
    NDArray logits = classify(Pooling.CLS, 1, "head_cls", features(""));
    assertClose(output("heads.cls_logits"), logits, 1e-4, "heads.cls_logits");
  }

  private NDArray segmentPatches(String prefix) {
    SegmentationHead h = new SegmentationHead(64, 3, 16, 16);
    h.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
    load(h.weight(), h.bias(), "head_seg");
    return h.forward(ps, features(prefix), false).head();
  }

  @Test
  void segmentationHeadGivesPatchLogitsInGridOrder() {
    assertClose(output("heads.seg_patch_logits"), segmentPatches(""), 1e-4, "heads.seg_patch_logits");
  }

  @Test
  void upsampledLogitsAndArgmaxMatchAtFullResolution() {
    NDArray full = Upsampling.bilinear(segmentPatches("png."), 224, 224);
    assertClose(output("png.heads.seg_logits"), full, 1e-4, "png.heads.seg_logits");
    assertArgmaxMatches(full, "png.heads.");
    assertArgmaxMatches(Upsampling.bilinear(segmentPatches(""), 224, 224), "heads.");
  }

  private void assertArgmaxMatches(NDArray logits, String prefix) {
    byte[] labels = logits.argMax(1).toType(DataType.UINT8, false).toByteArray();
    byte[] expected = ReferenceFixture.bytes("outputs.safetensors", prefix + "seg_argmax");
    byte[] ambiguous = ReferenceFixture.bytes("outputs.safetensors", prefix + "seg_argmax_ambiguous");
    assertEquals(expected.length, labels.length);
    int compared = 0;
    for (int i = 0; i < labels.length; i++) {
      if (ambiguous[i] == 0) {
        assertEquals(expected[i], labels[i], prefix + "seg_argmax at flat index " + i);
        compared++;
      }
    }
    assertTrue(compared > 0.99 * labels.length, "almost every pixel is unambiguous");
  }
}
