package org.medlora.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small builder for ONNX graphs over ONNX's generated protobuf classes: named inputs, outputs
 * and initializers, and nodes whose output names are made unique here. Model parts append their
 * nodes after an input name and return their output name, so parts compose like DJL blocks do.
 * The graph's {@link Arithmetic} tells the parts how to emit their weighted matrix products
 * ({@link OnnxOps#linear}, {@link OnnxOps#conv}).
 */
public final class OnnxGraph {

  /**
   * How the backbone's and decoder's weighted matrix products compute, and at which opset: the
   * one place that decides an export's opset.
   */
  public enum Arithmetic {
    /** float32 weights and products (also the source of fp16 exports), at {@link #OPSET}. */
    FP32(OPSET),
    /**
     * int8 weights with one scale per output channel, activations quantized to uint8 per tensor
     * as they arrive (DynamicQuantizeLinear), products accumulated in int32: the form ONNX
     * Runtime fuses into its integer kernels on CPU. CPU only, so it takes the fused attention
     * of {@link #ATTENTION_OPSET}.
     */
    INT8(ATTENTION_OPSET);

    private final int opset;

    Arithmetic(int opset) {
      this.opset = opset;
    }

    /** The opset a graph of this arithmetic is exported at. */
    public int opset() {
      return opset;
    }
  }

  /**
   * Opset of float32 and float16 graphs: 17 has LayerNormalization. They are also served on
   * CUDA, where ONNX Runtime 1.23 has no kernel for opset 23's Attention.
   */
  public static final int OPSET = 17;

  /**
   * Opset of int8 graphs: 23 has the fused Attention op, which ONNX Runtime 1.23 runs on CPU
   * (one kernel for the scaled products, softmax and the split into heads).
   */
  public static final int ATTENTION_OPSET = 23;

  /** The IR versions that {@link #OPSET} and {@link #ATTENTION_OPSET} require. */
  private static final int IR_VERSION = 8;
  private static final int ATTENTION_IR_VERSION = 11;

  /** Symbolic name of the free batch dimension of every input and output. */
  public static final String BATCH = "batch";

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();
  private final Arithmetic arithmetic;
  private final int opset;
  private int counter;

  /** A float32 graph. */
  public OnnxGraph(String name) {
    this(name, Arithmetic.FP32);
  }

  /** A graph at the arithmetic's own opset. */
  public OnnxGraph(String name, Arithmetic arithmetic) {
    this(name, arithmetic, arithmetic.opset);
  }

  /**
   * A graph at {@link #OPSET} or {@link #ATTENTION_OPSET} whatever the arithmetic, e.g. to compare
   * float32 with int8 on the same attention.
   */
  public OnnxGraph(String name, Arithmetic arithmetic, int opset) {
    if (opset != OPSET && opset != ATTENTION_OPSET) {
      throw new IllegalArgumentException("graphs are emitted at opset " + OPSET + " or " + ATTENTION_OPSET + ", not " + opset);
    }
    graph.setName(name);
    this.arithmetic = arithmetic;
    this.opset = opset;
  }

  public Arithmetic arithmetic() {
    return arithmetic;
  }

  /** The opset the parts emit for; {@link #ATTENTION_OPSET} has the fused Attention op. */
  public int opset() {
    return opset;
  }

  /** Declares a float32 graph input; dims are Long (fixed) or String (symbolic, e.g. BATCH). */
  public String input(String name, Object... dims) {
    graph.addInput(valueInfo(claim(name), TensorProto.DataType.FLOAT, dims));
    return name;
  }

  /** Declares an existing value as a graph output of the given element type. */
  public void output(String name, TensorProto.DataType type, Object... dims) {
    graph.addOutput(valueInfo(name, type, dims));
  }

  /** A float32 constant; its name should be the checkpoint key it comes from. */
  public String initializer(String name, long[] shape, float[] data) {
    return floats(claim(name), shape, data);
  }

  private String floats(String name, long[] shape, float[] data) {
    if (product(shape) != data.length) {
      throw new IllegalArgumentException(
          "initializer " + name + ": shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
    ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(data);
    graph.addInitializer(tensor(name, TensorProto.DataType.FLOAT, shape, bytes));
    return name;
  }

  /** An int8 or uint8 constant of one byte per value, e.g. quantized weights. */
  public String bytes(String name, TensorProto.DataType type, long[] shape, byte[] data) {
    if (type != TensorProto.DataType.INT8 && type != TensorProto.DataType.UINT8) {
      throw new IllegalArgumentException("byte initializers are INT8 or UINT8, not " + type);
    }
    if (product(shape) != data.length) {
      throw new IllegalArgumentException(
          "initializer " + name + ": shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
    graph.addInitializer(tensor(claim(name), type, shape, ByteBuffer.wrap(data)));
    return name;
  }

  /** Whether a value of that name exists, e.g. a shared constant emitted earlier. */
  public boolean contains(String name) {
    return names.contains(name);
  }

  /** A parameter's current values as a float32 constant named {@code name}. */
  public String initializer(String name, Parameter parameter) {
    return initializer(name, parameter.getArray());
  }

  /** An array's values as a float32 constant named {@code name}. */
  public String initializer(String name, NDArray array) {
    return initializer(name, array.getShape().getShape(), array.toFloatArray());
  }

  /** A float32 scalar constant. */
  public String scalar(String hint, float value) {
    return floats(fresh(hint), new long[0], new float[] {value});
  }

  /** An int64 scalar constant, e.g. an index for Gather that drops the axis. */
  public String longScalar(String hint, long value) {
    ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    String name = fresh(hint);
    graph.addInitializer(tensor(name, TensorProto.DataType.INT64, new long[0], bytes));
    return name;
  }

  /** An int64 constant, e.g. a target shape for Reshape. */
  public String longs(String hint, long... values) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    String name = fresh(hint);
    graph.addInitializer(tensor(name, TensorProto.DataType.INT64, new long[] {values.length}, bytes));
    return name;
  }

  /** Appends a node with one output and returns that output's name. */
  public String op(String opType, List<String> inputs, AttributeProto... attributes) {
    return op(opType, inputs, 1, attributes).get(0);
  }

  /** Appends a node with {@code outputs} outputs and returns their names. */
  public List<String> op(String opType, List<String> inputs, int outputs, AttributeProto... attributes) {
    List<String> outs = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      outs.add(fresh(opType.toLowerCase()));
    }
    graph.addNode(
        NodeProto.newBuilder()
            .setOpType(opType)
            .setName(fresh("node_" + opType))
            .addAllInput(inputs)
            .addAllOutput(outs)
            .addAllAttribute(Arrays.asList(attributes)));
    return outs;
  }

  /** Gives {@code value} a public name (an Identity node), e.g. to expose it as an output. */
  public String rename(String value, String name) {
    graph.addNode(
        NodeProto.newBuilder().setOpType("Identity").setName(fresh("node_Identity"))
            .addInput(value).addOutput(claim(name)));
    return name;
  }

  /** The finished model, with {@code metadata} as ONNX metadata properties. */
  public ModelProto model(String producerVersion, String docString, Map<String, String> metadata) {
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(opset == ATTENTION_OPSET ? ATTENTION_IR_VERSION : IR_VERSION)
            .setProducerName("medlora")
            .setProducerVersion(producerVersion)
            .setDocString(docString)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
            .setGraph(graph.build());
    metadata.forEach(
        (k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return model.build();
  }

  public static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  public static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  public static AttributeProto attr(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private String claim(String name) {
    if (!names.add(name)) {
      throw new IllegalArgumentException("the graph already has a value named " + name);
    }
    return name;
  }

  private String fresh(String hint) {
    String name;
    do {
      name = hint + "_" + counter++;
    } while (!names.add(name));
    return name;
  }

  private static TensorProto tensor(String name, TensorProto.DataType type, long[] shape, ByteBuffer bytes) {
    bytes.rewind();
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (long d : shape) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(bytes)).build();
  }

  private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String symbolic) {
        dim.setDimParam(symbolic);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    TypeProto type1 =
        TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type1).build();
  }

  private static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
