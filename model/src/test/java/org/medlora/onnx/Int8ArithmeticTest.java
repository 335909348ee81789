package org.medlora.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.onnx.OnnxGraph.attr;
import static org.medlora.testing.TensorAssert.assertClose;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;
import org.medlora.testing.OrtRunner;

/**
 * The int8 matrix products against a Java reference of the same integer arithmetic (ONNX's
 * DynamicQuantizeLinear on the input, the symmetric per-channel weights of {@link Int8Weights},
 * exact int32 sums, then the scales), run through ONNX Runtime with its fusions on: equal up to
 * float rounding of the final scaling, 1e-5 relative. And against the float32 product, within
 * the rounding bound of the two quantizations.
 */
class Int8ArithmeticTest {

  private static final int IN = 24;
  private static final int OUT = 16;

  @Test
  void quantizedLinearIsTheIntegerProductOfItsQuantizedOperands() {
    Engine.getInstance().setRandomSeed(11);
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter weight = parameter(m, "weight", new Shape(OUT, IN));
      Parameter bias = parameter(m, "bias", new Shape(OUT));
      NDArray x = m.randomNormal(new Shape(2, 5, IN)).mul(3f);

      OnnxGraph g = new OnnxGraph("linear", OnnxGraph.Arithmetic.INT8);
      String y = OnnxOps.linear(g, g.input("x", 2L, 5L, (long) IN), "fc", weight, bias);
      float[] actual = OrtRunner.run(g, y, x);

      float[] xs = x.toFloatArray();
      float[] w = weight.getArray().toFloatArray();
      float[] b = bias.getArray().toFloatArray();
      Int8Weights q = Int8Weights.of(w, OUT, true);
      Activations a = Activations.quantize(xs);
      int rows = xs.length / IN;
      float[] integer = new float[rows * OUT];
      float[] exact = new float[rows * OUT];
      float[] bound = new float[rows * OUT];
      for (int r = 0; r < rows; r++) {
        for (int n = 0; n < OUT; n++) {
          long sum = 0;
          double f = 0;
          double err = 0;
          for (int k = 0; k < IN; k++) {
            sum += (long) (a.values[r * IN + k] - a.zeroPoint) * q.values()[k * OUT + n];
            f += (double) xs[r * IN + k] * w[n * IN + k];
            // |x w - x~ w~| <= |x| dw + |w| dx + dx dw, each rounding off by at most half a step
            err += Math.abs(xs[r * IN + k]) * q.scales()[n] / 2 + Math.abs(w[n * IN + k]) * a.scale / 2
                + a.scale * q.scales()[n] / 4;
          }
          integer[r * OUT + n] = (float) (sum * ((double) a.scale * q.scales()[n]) + b[n]);
          exact[r * OUT + n] = (float) (f + b[n]);
          bound[r * OUT + n] = (float) err;
        }
      }
      for (int i = 0; i < actual.length; i++) {
        assertEquals(integer[i], actual[i], 1e-5 * Math.max(1, Math.abs(integer[i])), "integer reference at " + i);
        assertTrue(Math.abs(actual[i] - exact[i]) <= bound[i] + 1e-5,
            "float32 product at " + i + ": " + actual[i] + " vs " + exact[i] + ", bound " + bound[i]);
      }
      assertTrue(maxAbsDiff(actual, exact) > 1e-4, "really quantized: int8 differs from float32");
    }
  }

  @Test
  void quantizedConvolutionIsTheIntegerConvolutionOfItsQuantizedOperands() {
    Engine.getInstance().setRandomSeed(12);
    try (NDManager m = NDManager.newBaseManager()) {
      int cin = 4;
      int cout = 6;
      Parameter weight = parameter(m, "weight", new Shape(cout, cin, 3, 3));
      Parameter bias = parameter(m, "bias", new Shape(cout));
      NDArray x = m.randomNormal(new Shape(1, cin, 10, 12));

      OnnxGraph g = new OnnxGraph("conv", OnnxGraph.Arithmetic.INT8);
      String y = OnnxOps.conv(g, g.input("x", 1L, (long) cin, 10L, 12L), "c", weight, bias, attr("pads", 1L, 1L, 1L, 1L));
      float[] actual = OrtRunner.run(g, y, x);

      // The integer convolution as a float convolution of integer values: exact, since every
      // sum (at most 255 * 127 * 36 in magnitude) is below 2^24.
      Int8Weights q = Int8Weights.of(weight.getArray().toFloatArray(), cout, false);
      Activations a = Activations.quantize(x.toFloatArray());
      float[] xi = new float[a.values.length];
      for (int i = 0; i < xi.length; i++) {
        xi[i] = a.values[i] - a.zeroPoint;
      }
      float[] wi = new float[q.values().length];
      for (int i = 0; i < wi.length; i++) {
        wi[i] = q.values()[i];
      }
      NDArray sums = Conv2d.conv2d(m.create(xi, x.getShape()), m.create(wi, weight.getShape()), null,
          new Shape(1, 1), new Shape(1, 1), new Shape(1, 1)).head();
      float[] s = sums.toFloatArray();
      float[] b = bias.getArray().toFloatArray();
      int plane = 10 * 12;
      float[] expected = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        int c = i / plane;
        expected[i] = (float) (s[i] * ((double) a.scale * q.scales()[c]) + b[c]);
      }
      assertClose(expected, actual, 1e-4, "int8 convolution against the integer reference");
    }
  }

  /** ONNX's DynamicQuantizeLinear: uint8 over [min(0, x), max(0, x)], round half to even. */
  private record Activations(int[] values, float scale, int zeroPoint) {
    static Activations quantize(float[] x) {
      float min = 0;
      float max = 0;
      for (float v : x) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      float scale = (max - min) / 255f;
      int zp = (int) Math.max(0, Math.min(255, Math.rint(-min / scale)));
      int[] q = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        q[i] = (int) Math.max(0, Math.min(255, Math.rint(x[i] / scale) + zp));
      }
      return new Activations(q, scale, zp);
    }
  }

  private static Parameter parameter(NDManager m, String name, Shape shape) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    p.setArray(m.randomNormal(shape).mul(0.2f));
    return p;
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
