package org.medlora.store;

import java.util.List;
import java.util.Map;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.TensorSpec;

/**
 * Renders a task's {@code config.pbtxt} (Triton's model configuration, protobuf text format) from
 * the manifest of its newest version, so the store can be served by Triton as it is.
 *
 * <p>Batching is on ({@code max_batch_size > 0}), so by Triton's rule every {@code dims} omits
 * the batch dimension, which manifests declare as the leading -1. The {@code parameters} carry
 * only what a client needs to read the outputs (kind and class names): Triton shows this file to
 * any client through its model-configuration endpoint, while provenance (checkpoint, data set,
 * hyperparameters) stays in {@code manifest.json} on disk.
 */
final class TritonConfig {

  static final int MAX_BATCH_SIZE = 8;
  static final int MAX_QUEUE_DELAY_MICROSECONDS = 2000;

  private static final Map<String, String> DATA_TYPES =
      Map.of(
          "float32", "TYPE_FP32",
          "float16", "TYPE_FP16",
          "int64", "TYPE_INT64",
          "uint8", "TYPE_UINT8");

  private TritonConfig() {}

  static String render(ModelManifest m) {
    StringBuilder s = new StringBuilder();
    s.append("name: ").append(quote(m.task())).append('\n');
    s.append("platform: \"onnxruntime_onnx\"\n");
    s.append("max_batch_size: ").append(MAX_BATCH_SIZE).append('\n');

    // Pixels are always float32: an fp16 export casts them inside the graph, so clients and
    // preprocessing are the same for every precision.
    String inputType = "TYPE_FP32";
    s.append("input {\n");
    s.append("  name: ").append(quote(m.inputName())).append('\n');
    s.append("  data_type: ").append(inputType).append('\n');
    s.append("  format: FORMAT_NCHW\n");
    s.append("  dims: ")
        .append(dims(List.of(3L, (long) m.preprocessing().height(),
            (long) m.preprocessing().width())))
        .append('\n');
    s.append("}\n");

    for (TensorSpec o : m.outputs()) {
      List<Long> dims = o.dims().subList(1, o.dims().size());
      s.append("output {\n");
      s.append("  name: ").append(quote(o.name())).append('\n');
      s.append("  data_type: ").append(DATA_TYPES.get(o.dtype())).append('\n');
      if (dims.isEmpty()) {
        // One value per image: Triton wants [1] here, reshaped to the model's rank-1 output.
        s.append("  dims: [ 1 ]\n");
        s.append("  reshape: { shape: [ ] }\n");
      } else {
        s.append("  dims: ").append(dims(dims)).append('\n');
      }
      s.append("}\n");
    }

    s.append("dynamic_batching {\n");
    s.append("  max_queue_delay_microseconds: ").append(MAX_QUEUE_DELAY_MICROSECONDS).append('\n');
    s.append("}\n");
    s.append("version_policy: { latest { num_versions: 1 } }\n");

    parameter(s, OnnxNames.META_KIND, m.kind().jsonName());
    for (int i = 0; i < m.classNames().size(); i++) {
      parameter(s, OnnxNames.TRITON_CLASS_PREFIX + i, m.classNames().get(i));
    }
    return s.toString();
  }

  private static void parameter(StringBuilder s, String key, String value) {
    s.append("parameters {\n");
    s.append("  key: ").append(quote(key)).append('\n');
    s.append("  value: { string_value: ").append(quote(value)).append(" }\n");
    s.append("}\n");
  }

  private static String dims(List<Long> dims) {
    StringBuilder s = new StringBuilder("[ ");
    for (int i = 0; i < dims.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(dims.get(i));
    }
    return s.append(" ]").toString();
  }

  /** A protobuf text-format string literal; UTF-8 passes through, control characters do not. */
  static String quote(String value) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            s.append(String.format("\\%03o", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
  }
}
