package org.medlora.export;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medlora.contracts.OnnxNames;

/**
 * An exported model in an ONNX Runtime CPU session, for the trainer's own checks and the command
 * line (the inference service has its own, tuned runner). Outputs are copied off the native side.
 */
public final class OrtModel implements AutoCloseable {

  /** One output: float values, or uint8 values for masks. */
  public record Tensor(long[] shape, float[] floats, byte[] bytes) {}

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession.SessionOptions options;
  private final OrtSession session;

  private OrtModel(byte[] model) throws OrtException {
    options = new OrtSession.SessionOptions();
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
    session = env.createSession(model, options);
  }

  public static OrtModel load(byte[] model) {
    try {
      return new OrtModel(model);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime refused the model: " + e.getMessage(), e);
    }
  }

  /** Runs the model on pixel values (B, 3, H, W); outputs by name, in graph order. */
  public Map<String, Tensor> run(float[] pixels, long[] shape) {
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
        OrtSession.Result result = session.run(Map.of(OnnxNames.INPUT, input))) {
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxValue> e : result) {
        OnnxTensor t = (OnnxTensor) e.getValue();
        long[] dims = t.getInfo().getShape();
        if (t.getInfo().type == OnnxJavaType.FLOAT) {
          FloatBuffer fb = t.getFloatBuffer();
          float[] f = new float[fb.remaining()];
          fb.get(f);
          out.put(e.getKey(), new Tensor(dims, f, null));
        } else {
          ByteBuffer bb = t.getByteBuffer();
          byte[] b = new byte[bb.remaining()];
          bb.get(b);
          out.put(e.getKey(), new Tensor(dims, null, b));
        }
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not run the model: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("could not close the ONNX Runtime session", e);
    } finally {
      options.close();
    }
  }
}
