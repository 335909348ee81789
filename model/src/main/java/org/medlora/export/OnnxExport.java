package org.medlora.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;
import ai.onnx.proto.OnnxMl.ModelProto;
import org.medlora.contracts.ExportPrecision;
import org.medlora.onnx.Fp16Conversion;
import org.medlora.onnx.OnnxGraph;

/**
 * Exports a {@link Predictor} to ONNX and proves the export right before anyone can use it: the
 * graph is run in ONNX Runtime on a probe batch and every output is compared with the DJL
 * forward of the unmerged model. LoRA is merged only for emission and unmerged afterwards.
 */
public final class OnnxExport {

  private OnnxExport() {}

  /**
   * The model bytes and how the verification went. For int8, {@code fp32} is the verified
   * float32 graph it was quantized from, which its task-level check compares it with
   * ({@link QuantizationCheck}); otherwise {@code fp32} is null. {@code opset} is the one the
   * model imports, as its arithmetic chose it ({@link OnnxGraph.Arithmetic#opset()}).
   */
  public record Result(byte[] model, Verification verification, byte[] fp32, int opset) {}

  /**
   * Exports at {@code precision}: fp32 and fp16 are checked against the DJL forward on the probe
   * batch; int8 is the quantized twin of the float32 graph that passed that check, and still
   * needs its task-level check before it may be published.
   */
  public static Result export(Predictor predictor, int height, int width, ExportPrecision precision, int probeBatch,
      long seed, Map<String, String> metadata) throws ExportParityException {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray probe = manager.create(probe(probeBatch, height, width, seed), new Shape(probeBatch, 3, height, width));
      Map<String, NDArray> expected = predictor.forward(probe);
      ModelProto model = emit(predictor, height, width, OnnxGraph.Arithmetic.FP32, metadata);
      byte[] bytes = (precision == ExportPrecision.FP16 ? Fp16Conversion.convert(model) : model).toByteArray();
      Verification verification = ParityCheck.compare(expected, run(bytes, probe), probeBatch, precision);
      if (precision != ExportPrecision.INT8) {
        return new Result(bytes, verification, null, opset(model));
      }
      ModelProto int8 = emit(predictor, height, width, OnnxGraph.Arithmetic.INT8, metadata);
      return new Result(int8.toByteArray(), verification, bytes, opset(int8));
    }
  }

  /**
   * The float32 graph with the fused attention of the int8 export, unverified: not an export
   * (ONNX Runtime 1.23 has no CUDA kernel for it), but what int8 compares with on equal attention
   * in benchmarks.
   */
  public static byte[] fp32WithFusedAttention(Predictor predictor, int height, int width) {
    return emit(predictor, height, width, OnnxGraph.Arithmetic.FP32, OnnxGraph.ATTENTION_OPSET, Map.of())
        .toByteArray();
  }

  /** The graph of {@code predictor} at its arithmetic's own opset. */
  private static ModelProto emit(Predictor predictor, int height, int width, OnnxGraph.Arithmetic arithmetic,
      Map<String, String> metadata) {
    return emit(predictor, height, width, arithmetic, arithmetic.opset(), metadata);
  }

  private static int opset(ModelProto model) {
    return (int) model.getOpsetImport(0).getVersion();
  }

  /** The graph of {@code predictor} at {@code opset}, LoRA merged for the emission only. */
  static ModelProto emit(Predictor predictor, int height, int width, OnnxGraph.Arithmetic arithmetic,
      int opset, Map<String, String> metadata) {
    boolean hasLora = !predictor.backbone().loraAdapters().isEmpty();
    if (hasLora) {
      predictor.backbone().mergeLora();
    }
    try {
      OnnxGraph g = new OnnxGraph("medlora_" + predictor.kind().jsonName(), arithmetic, opset);
      predictor.emit(g, height, width);
      String doc = "DINOv2 " + predictor.kind().jsonName() + " at " + height + "x" + width
          + (hasLora ? ", LoRA merged" : "")
          + (arithmetic == OnnxGraph.Arithmetic.INT8 ? ", int8 matrix products (per-channel weights, dynamic activations)" : "")
          + (opset == OnnxGraph.ATTENTION_OPSET ? ", fused attention" : "");
      return g.model(Versions.medlora(), doc, metadata);
    } finally {
      if (hasLora) {
        predictor.backbone().unmergeLora();
      }
    }
  }

  /** Standard-normal pixels, like a normalized image, reproducible from the seed. */
  private static float[] probe(int batch, int height, int width, long seed) {
    Random random = new Random(seed);
    float[] data = new float[batch * 3 * height * width];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    return data;
  }

  /** Runs the model in ONNX Runtime (CPU) on the probe; outputs by name. */
  static Map<String, OrtModel.Tensor> run(byte[] model, NDArray probe) {
    try (OrtModel ort = OrtModel.load(model)) {
      return ort.run(probe.toFloatArray(), probe.getShape().getShape());
    }
  }
}
