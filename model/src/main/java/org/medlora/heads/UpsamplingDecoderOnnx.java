package org.medlora.heads;

import static org.medlora.onnx.OnnxGraph.attr;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.medlora.onnx.OnnxGraph;
import org.medlora.onnx.OnnxOps;

/** {@link UpsamplingDecoder} as ONNX, with initializers named {@code decoder.<conv>.weight}. */
final class UpsamplingDecoderOnnx {

  private UpsamplingDecoderOnnx() {}

  static String emit(OnnxGraph g, String image, String logits, UpsamplingDecoder decoder,
      int height, int width, int gh, int gw) {
    int levels = decoder.levels();
    List<String> features = new ArrayList<>();
    String x = image;
    for (int i = 0; i < levels; i++) {
      if (i > 0) {
        x = g.op("MaxPool", List.of(x), attr("kernel_shape", 2L, 2L), attr("strides", 2L, 2L));
      }
      x = conv(g, x, decoder, "decoder.enc" + i);
      features.add(x);
    }
    int coarseH = height >> (levels - 1);
    int coarseW = width >> (levels - 1);
    String d = concat(g, UpsamplingOnnx.bilinear(g, logits, gh, gw, coarseH, coarseW), features.get(levels - 1));
    d = conv(g, d, decoder, "decoder.dec" + (levels - 1));
    for (int i = levels - 2; i >= 0; i--) {
      String up = UpsamplingOnnx.bilinear(g, d, height >> (i + 1), width >> (i + 1), height >> i, width >> i);
      d = conv(g, concat(g, up, features.get(i)), decoder, "decoder.dec" + i);
    }
    // The 1x1 output convolution stays float32: it writes the logits' correction directly.
    String correction = g.op("Conv", List.of(d, param(g, decoder, "decoder.out.weight"),
        param(g, decoder, "decoder.out.bias")));
    return g.op("Add", List.of(UpsamplingOnnx.bilinear(g, logits, gh, gw, height, width), correction));
  }

  private static String concat(OnnxGraph g, String a, String b) {
    return g.op("Concat", List.of(a, b), attr("axis", 1L));
  }

  private static String param(OnnxGraph g, UpsamplingDecoder decoder, String key) {
    return g.initializer(key, decoder.namedParameters().get(key));
  }

  /** 3x3 convolution with padding 1, in the graph's arithmetic, then ReLU. */
  private static String conv(OnnxGraph g, String x, UpsamplingDecoder decoder, String key) {
    Map<String, Parameter> p = decoder.namedParameters();
    String y = OnnxOps.conv(g, x, key, p.get(key + ".weight"), p.get(key + ".bias"), attr("pads", 1L, 1L, 1L, 1L));
    return g.op("Relu", List.of(y));
  }
}
