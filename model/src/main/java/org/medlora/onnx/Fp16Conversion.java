package org.medlora.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.medlora.safetensors.HalfPrecision;

/**
 * Turns a float32 model into one that stores its weights and computes in float16, for GPU
 * serving, while keeping a float32 interface: the input is cast to float16 on entry and every
 * float output back to float32 on exit, so clients and preprocessing stay the same.
 */
public final class Fp16Conversion {

  private static final String SUFFIX = "_fp16";

  private Fp16Conversion() {}

  public static ModelProto convert(ModelProto model) {
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
        g.setInitializer(i, toHalf(t));
      }
    }
    for (ValueInfoProto input : g.getInputList()) {
      if (isFloat(input)) {
        renameEverywhere(g, input.getName(), input.getName() + SUFFIX);
        g.addNode(0, cast(input.getName(), input.getName() + SUFFIX, TensorProto.DataType.FLOAT16));
      }
    }
    for (ValueInfoProto output : g.getOutputList()) {
      if (isFloat(output)) {
        renameEverywhere(g, output.getName(), output.getName() + SUFFIX);
        g.addNode(cast(output.getName() + SUFFIX, output.getName(), TensorProto.DataType.FLOAT));
      }
    }
    return model.toBuilder().setGraph(g).setDocString(model.getDocString() + ", fp16 weights").build();
  }

  private static boolean isFloat(ValueInfoProto v) {
    return v.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT.getNumber();
  }

  /** Points every node input and output named {@code from} at {@code to}. */
  private static void renameEverywhere(GraphProto.Builder g, String from, String to) {
    for (NodeProto.Builder node : g.getNodeBuilderList()) {
      for (int i = 0; i < node.getInputCount(); i++) {
        if (node.getInput(i).equals(from)) {
          node.setInput(i, to);
        }
      }
      for (int i = 0; i < node.getOutputCount(); i++) {
        if (node.getOutput(i).equals(from)) {
          node.setOutput(i, to);
        }
      }
    }
  }

  private static NodeProto cast(String from, String to, TensorProto.DataType type) {
    return NodeProto.newBuilder().setOpType("Cast").setName("cast_" + to).addInput(from).addOutput(to)
        .addAttribute(OnnxGraph.attr("to", (long) type.getNumber())).build();
  }

  private static TensorProto toHalf(TensorProto t) {
    FloatBuffer in = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    ByteBuffer out = ByteBuffer.allocate(2 * in.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    while (in.hasRemaining()) {
      out.putShort(HalfPrecision.floatToF16(in.get()));
    }
    out.flip();
    return t.toBuilder().setDataType(TensorProto.DataType.FLOAT16.getNumber()).setRawData(ByteString.copyFrom(out)).build();
  }
}
