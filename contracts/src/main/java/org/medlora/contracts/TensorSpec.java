package org.medlora.contracts;

import java.util.List;

/**
 * Name, element type and shape of one model output, as the ONNX graph declares it.
 *
 * @param name the ONNX output name, e.g. {@code logits}
 * @param dtype one of {@link #DTYPES}
 * @param dims the shape, -1 where a dimension is dynamic (the batch, first)
 */
public record TensorSpec(String name, String dtype, List<Long> dims) {

  /** Element types an exported model may produce, in ONNX Runtime's lowercase spelling. */
  public static final List<String> DTYPES = List.of("float32", "float16", "int64", "uint8");

  public TensorSpec {
    Checks.nonBlank("tensor name", name);
    Checks.oneOf("dtype of tensor " + name, dtype, DTYPES);
    dims = List.copyOf(Checks.nonNull("dims of tensor " + name, dims));
    if (dims.isEmpty()) {
      throw new IllegalArgumentException("tensor " + name + " must have at least one dimension");
    }
    for (long d : dims) {
      if (d < 1 && d != -1) {
        throw new IllegalArgumentException(
            "dims of tensor " + name + " must be >= 1, or -1 for a dynamic size, got " + dims);
      }
    }
  }
}
