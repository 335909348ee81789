package org.medlora.heads;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.medlora.contracts.JsonNamed;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.Pooling;
import org.medlora.safetensors.FloatTensor;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.safetensors.SafetensorsWriter;

/**
 * Trained heads and decoders as safetensors files, under the same names as their ONNX
 * initializers: {@code head.weight}, {@code head.bias} with metadata {@code kind},
 * {@code class_names} (comma-separated) and {@code pooling} (kind and pooling spelled as in
 * training requests); {@code decoder.*} with metadata
 * {@code channels}.
 */
public final class HeadFiles {

  private HeadFiles() {}

  /** A head as read from a file, ready to become a block once the input size is known. */
  public record Head(ModelKind kind, List<String> classNames, Pooling pooling, FloatTensor weight, FloatTensor bias) {

    public ClassificationHead classifier(NDManager manager) {
      requireKind(ModelKind.CLASSIFICATION);
      int in = (int) weight.dim(1);
      int embedDim = pooling == Pooling.CLS ? in : in / 2;
      ClassificationHead head = new ClassificationHead(embedDim, classNames.size(), pooling);
      head.initialize(manager, DataType.FLOAT32, new Shape(1, embedDim));
      copy(head.weight(), weight);
      copy(head.bias(), bias);
      return head;
    }

    public SegmentationHead segmenter(NDManager manager, int gridHeight, int gridWidth) {
      requireKind(ModelKind.SEGMENTATION);
      SegmentationHead head = new SegmentationHead((int) weight.dim(1), classNames.size(), gridHeight, gridWidth);
      head.initialize(manager, DataType.FLOAT32, new Shape(1, weight.dim(1)));
      copy(head.weight(), weight);
      copy(head.bias(), bias);
      return head;
    }

    private void requireKind(ModelKind expected) {
      if (kind != expected) {
        throw new IllegalStateException("this head is a " + kind + " head, not " + expected);
      }
    }
  }

  public static void writeClassifier(Path file, ClassificationHead head, List<String> classNames) throws IOException {
    write(file, ModelKind.CLASSIFICATION, classNames, head.pooling(), head.weight(), head.bias());
  }

  public static void writeSegmenter(Path file, SegmentationHead head, List<String> classNames) throws IOException {
    write(file, ModelKind.SEGMENTATION, classNames, null, head.weight(), head.bias());
  }

  private static void write(Path file, ModelKind kind, List<String> classNames, Pooling pooling,
      Parameter weight, Parameter bias) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter()
        .putFloats("head.weight", weight.getShape().getShape(), weight.getArray().toFloatArray())
        .putFloats("head.bias", bias.getShape().getShape(), bias.getArray().toFloatArray())
        .putMetadata("kind", kind.jsonName())
        .putMetadata("class_names", String.join(",", classNames));
    if (pooling != null) {
      w.putMetadata("pooling", pooling.jsonName());
    }
    w.write(file);
  }

  public static Head readHead(Path file) throws IOException {
    SafetensorsFile f = SafetensorsFile.read(file);
    Map<String, String> meta = f.metadata();
    ModelKind kind;
    Pooling pooling;
    try {
      kind = JsonNamed.fromJsonName(ModelKind.class, meta.get("kind"));
      pooling = JsonNamed.fromJsonName(Pooling.class, meta.getOrDefault("pooling", Pooling.CLS.jsonName()));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a medlora head: metadata " + e.getMessage(), e);
    }
    if (kind == ModelKind.FEATURES) {
      throw new IOException(file + " is not a medlora head: metadata 'kind' must be classification or "
          + "segmentation, got 'features'");
    }
    List<String> classes = Arrays.asList(meta.getOrDefault("class_names", "").split(","));
    FloatTensor weight = f.floatTensor("head.weight");
    FloatTensor bias = f.floatTensor("head.bias");
    if (weight.rank() != 2 || weight.dim(0) != classes.size() || bias.elementCount() != classes.size()) {
      throw new IOException(file + ": head.weight " + weight + " and head.bias " + bias
          + " do not fit " + classes.size() + " class names " + classes);
    }
    return new Head(kind, classes, pooling, weight, bias);
  }

  public static void writeDecoder(Path file, UpsamplingDecoder decoder) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter();
    for (Map.Entry<String, Parameter> e : decoder.namedParameters().entrySet()) {
      w.putFloats(e.getKey(), e.getValue().getShape().getShape(), e.getValue().getArray().toFloatArray());
    }
    w.putMetadata("channels", Arrays.toString(decoder.channels()).replaceAll("[\\[\\] ]", ""));
    w.putMetadata("num_classes", Integer.toString(decoder.numClasses()));
    w.write(file);
  }

  /** A decoder with the file's weights, initialized for (height, width) inputs. */
  public static UpsamplingDecoder readDecoder(Path file, NDManager manager, int height, int width, int gh, int gw)
      throws IOException {
    SafetensorsFile f = SafetensorsFile.read(file);
    Map<String, String> meta = f.metadata();
    if (!meta.containsKey("channels") || !meta.containsKey("num_classes")) {
      throw new IOException(file + " is not a medlora decoder: metadata needs 'channels' and 'num_classes'");
    }
    int[] channels = Arrays.stream(meta.get("channels").split(",")).mapToInt(Integer::parseInt).toArray();
    int classes = Integer.parseInt(meta.get("num_classes"));
    UpsamplingDecoder decoder = new UpsamplingDecoder(classes, channels);
    decoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, height, width), new Shape(1, classes, gh, gw));
    for (Map.Entry<String, Parameter> e : decoder.namedParameters().entrySet()) {
      copy(e.getValue(), f.floatTensor(e.getKey()));
    }
    return decoder;
  }

  private static void copy(Parameter p, FloatTensor t) {
    if (!p.getShape().equals(new Shape(t.shape()))) {
      throw new IllegalArgumentException(
          p.getName() + " expects shape " + p.getShape() + " but the file has " + new Shape(t.shape()));
    }
    p.getArray().set(t.data());
  }
}
