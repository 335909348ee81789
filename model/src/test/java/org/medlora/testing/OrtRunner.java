package org.medlora.testing;

import ai.djl.ndarray.NDArray;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.medlora.onnx.OnnxGraph;

/** Runs a one-input, one-output part graph in ONNX Runtime, for part-by-part parity tests. */
public final class OrtRunner {

  private OrtRunner() {}

  /** Declares {@code output} as the graph's float output and runs it on {@code input}'s values. */
  public static float[] run(OnnxGraph g, String output, NDArray input) {
    g.output(output, TensorProto.DataType.FLOAT);
    byte[] model = g.model("test", "part under test", Map.of()).toByteArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toFloatArray()), input.getShape().getShape());
        OrtSession.Result result = session.run(Map.of("x", x))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] values = new float[out.remaining()];
      out.get(values);
      return values;
    } catch (OrtException e) {
      throw new AssertionError("ONNX Runtime failed on the part graph: " + e.getMessage(), e);
    }
  }
}
