package org.medlora.export;

import static org.medlora.onnx.OnnxGraph.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.TensorSpec;
import org.medlora.heads.ClassificationHead;
import org.medlora.heads.SegmentationHead;
import org.medlora.heads.Upsampling;
import org.medlora.heads.UpsamplingDecoder;
import org.medlora.onnx.OnnxGraph;

/**
 * What gets exported for one task: the backbone plus its head, with named outputs that the DJL
 * forward ({@link #forward}) and the ONNX graph ({@link #emit}) both produce, so that every
 * export can be checked output by output.
 *
 * <ul>
 *   <li>features: {@code x_norm_clstoken} (B, D), {@code x_norm_patchtokens} (B, N, D)
 *       [, {@code x_norm_regtokens} (B, R, D)]
 *   <li>classification: {@code logits} (B, C), {@code probabilities} (B, C)
 *   <li>segmentation: {@code logits} (B, C, H, W), {@code mask} (B, H, W) uint8 class indices
 * </ul>
 */
public final class Predictor {

  private final ModelKind kind;
  private final DinoV2Backbone backbone;
  private final ClassificationHead classifier;
  private final SegmentationHead segmenter;
  private final UpsamplingDecoder decoder;

  private Predictor(ModelKind kind, DinoV2Backbone backbone, ClassificationHead c, SegmentationHead s,
      UpsamplingDecoder decoder) {
    this.kind = kind;
    this.backbone = backbone;
    this.classifier = c;
    this.segmenter = s;
    this.decoder = decoder;
  }

  public static Predictor features(DinoV2Backbone backbone) {
    return new Predictor(ModelKind.FEATURES, backbone, null, null, null);
  }

  public static Predictor classifier(DinoV2Backbone backbone, ClassificationHead head) {
    return new Predictor(ModelKind.CLASSIFICATION, backbone, head, null, null);
  }

  /** A segmenter; {@code decoder} may be null, and the patch logits are then upsampled bilinearly. */
  public static Predictor segmenter(DinoV2Backbone backbone, SegmentationHead head, UpsamplingDecoder decoder) {
    return new Predictor(ModelKind.SEGMENTATION, backbone, null, head, decoder);
  }

  public ModelKind kind() {
    return kind;
  }

  public DinoV2Backbone backbone() {
    return backbone;
  }

  /** The classification head, or null. */
  ClassificationHead classifier() {
    return classifier;
  }

  /** The segmentation head, or null. */
  SegmentationHead segmenter() {
    return segmenter;
  }

  /** The upsampling decoder, or null. */
  UpsamplingDecoder decoder() {
    return decoder;
  }

  /** The DJL reference outputs by name, for pixels (B, 3, H, W). */
  public Map<String, NDArray> forward(NDArray pixels) {
    ParameterStore ps = new ParameterStore(pixels.getManager(), false);
    NDList features = backbone.forward(ps, new NDList(pixels), false);
    Map<String, NDArray> out = new LinkedHashMap<>();
    switch (kind) {
      case FEATURES -> {
        out.put(OnnxNames.CLS_TOKEN, features.get(0));
        out.put(OnnxNames.PATCH_TOKENS, features.get(1));
        if (features.size() > 2) {
          out.put(OnnxNames.REGISTER_TOKENS, features.get(2));
        }
      }
      case CLASSIFICATION -> {
        NDArray logits = classifier.forward(ps, features, false).head();
        out.put(OnnxNames.LOGITS, logits);
        out.put(OnnxNames.PROBABILITIES, logits.softmax(1));
      }
      case SEGMENTATION -> {
        NDArray patchLogits = segmenter.forward(ps, features, false).head();
        long h = pixels.getShape().get(2);
        long w = pixels.getShape().get(3);
        NDArray logits =
            decoder == null
                ? Upsampling.bilinear(patchLogits, (int) h, (int) w)
                : decoder.forward(ps, new NDList(pixels, patchLogits), false).head();
        out.put(OnnxNames.LOGITS, logits);
        out.put(OnnxNames.MASK, logits.argMax(1).toType(DataType.UINT8, false));
      }
    }
    return out;
  }

  /** The model's outputs, batch dimension -1, as the manifest and the graph declare them. */
  public List<TensorSpec> outputs(int height, int width) {
    long d = backbone.config().embedDim();
    List<TensorSpec> out = new ArrayList<>();
    switch (kind) {
      case FEATURES -> {
        int p = backbone.config().patchSize();
        out.add(new TensorSpec(OnnxNames.CLS_TOKEN, "float32", List.of(-1L, d)));
        out.add(new TensorSpec(OnnxNames.PATCH_TOKENS, "float32", List.of(-1L, (long) (height / p) * (width / p), d)));
        int r = backbone.config().numRegisterTokens();
        if (r > 0) {
          out.add(new TensorSpec(OnnxNames.REGISTER_TOKENS, "float32", List.of(-1L, (long) r, d)));
        }
      }
      case CLASSIFICATION -> {
        long c = classifier.numClasses();
        out.add(new TensorSpec(OnnxNames.LOGITS, "float32", List.of(-1L, c)));
        out.add(new TensorSpec(OnnxNames.PROBABILITIES, "float32", List.of(-1L, c)));
      }
      case SEGMENTATION -> {
        long c = segmenter.numClasses();
        out.add(new TensorSpec(OnnxNames.LOGITS, "float32", List.of(-1L, c, (long) height, (long) width)));
        out.add(new TensorSpec(OnnxNames.MASK, "uint8", List.of(-1L, (long) height, (long) width)));
      }
    }
    return out;
  }

  /** Appends the whole predictor for a fixed (height, width) input and declares its outputs. */
  void emit(OnnxGraph g, int height, int width) {
    String pixels = g.input(OnnxNames.INPUT, OnnxGraph.BATCH, 3L, (long) height, (long) width);
    List<String> features = backbone.emitOnnx(g, pixels, height, width);
    List<String> values = new ArrayList<>();
    switch (kind) {
      case FEATURES -> values.addAll(features);
      case CLASSIFICATION -> {
        String logits = classifier.emitOnnx(g, features.get(0), features.get(1));
        values.add(logits);
        values.add(g.op("Softmax", List.of(logits), attr("axis", 1L)));
      }
      case SEGMENTATION -> {
        String patchLogits = segmenter.emitOnnx(g, features.get(1));
        int gh = segmenter.gridHeight();
        int gw = segmenter.gridWidth();
        String logits =
            decoder == null
                ? Upsampling.emitOnnx(g, patchLogits, gh, gw, height, width)
                : decoder.emitOnnx(g, pixels, patchLogits, height, width, gh, gw);
        values.add(logits);
        String labels = g.op("ArgMax", List.of(logits), attr("axis", 1L), attr("keepdims", 0L));
        values.add(g.op("Cast", List.of(labels), attr("to", (long) TensorProto.DataType.UINT8.getNumber())));
      }
    }
    List<TensorSpec> specs = outputs(height, width);
    for (int i = 0; i < specs.size(); i++) {
      TensorSpec spec = specs.get(i);
      Object[] dims = spec.dims().stream().map(v -> v < 0 ? (Object) OnnxGraph.BATCH : (Object) v).toArray();
      TensorProto.DataType type =
          spec.dtype().equals("uint8") ? TensorProto.DataType.UINT8 : TensorProto.DataType.FLOAT;
      g.output(g.rename(values.get(i), spec.name()), type, dims);
    }
  }
}
