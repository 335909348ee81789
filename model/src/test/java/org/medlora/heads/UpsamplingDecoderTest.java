package org.medlora.heads;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.testing.TensorAssert.assertClose;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.medlora.onnx.OnnxGraph;
import org.medlora.testing.OrtRunner;

class UpsamplingDecoderTest {

  @Test
  void anUntrainedDecoderReproducesTheBilinearlyUpsampledSegmenter() {
    try (NDManager m = NDManager.newBaseManager()) {
      UpsamplingDecoder decoder = new UpsamplingDecoder(3, UpsamplingDecoder.DEFAULT_CHANNELS);
      decoder.initialize(m, DataType.FLOAT32, new Shape(2, 3, 112, 112), new Shape(2, 3, 8, 8));
      NDArray image = m.randomNormal(new Shape(2, 3, 112, 112));
      NDArray logits = m.randomNormal(new Shape(2, 3, 8, 8));
      NDArray out = decoder.forward(new ParameterStore(m, false), new NDList(image, logits), false).head();
      assertClose(Upsampling.bilinear(logits, 112, 112).toFloatArray(), out.toFloatArray(), 0, "untrained decoder");
    }
  }

  @Test
  void onnxEmitterMatchesTheBlockWithTrainedWeights() {
    Engine.getInstance().setRandomSeed(5);
    try (NDManager m = NDManager.newBaseManager()) {
      UpsamplingDecoder decoder = new UpsamplingDecoder(2, new int[] {4, 8, 8});
      decoder.initialize(m, DataType.FLOAT32, new Shape(1, 3, 56, 56), new Shape(1, 2, 4, 4));
      decoder.getParameters().values().forEach(p -> p.getArray().set(m.randomNormal(p.getShape()).mul(0.2f).toFloatArray()));
      NDArray image = m.randomNormal(new Shape(1, 3, 56, 56));
      NDArray logits = m.randomNormal(new Shape(1, 2, 4, 4));
      NDArray expected = decoder.forward(new ParameterStore(m, false), new NDList(image, logits), false).head();

      OnnxGraph g = new OnnxGraph("decoder");
      String x = g.input("x", 1L, 3L, 56L, 56L);
      String l = g.initializer("patch_logits", new long[] {1, 2, 4, 4}, logits.toFloatArray());
      String out = decoder.emitOnnx(g, x, l, 56, 56, 4, 4);
      assertClose(expected.toFloatArray(), OrtRunner.run(g, out, image), 1e-5, "decoder");
    }
  }

  @Test
  void refusesAnInputItsLevelsCannotHalve() {
    try (NDManager m = NDManager.newBaseManager()) {
      UpsamplingDecoder decoder = new UpsamplingDecoder(2, UpsamplingDecoder.DEFAULT_CHANNELS);
      var e = assertThrows(IllegalArgumentException.class,
          () -> decoder.initialize(m, DataType.FLOAT32, new Shape(1, 3, 42, 42), new Shape(1, 2, 3, 3)));
      assertTrue(e.getMessage().contains("divisible by 8"), e.getMessage());
    }
  }
}
