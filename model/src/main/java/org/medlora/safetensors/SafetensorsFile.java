package org.medlora.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file, validated strictly when read: every header entry well formed, every byte
 * size consistent with dtype and shape, tensors packed back to back from offset 0 with no gap or
 * overlap, and the data section ending exactly where the last tensor does.
 *
 * <p>Tensor bytes are memory-mapped per tensor rather than loaded, so multi-gigabyte checkpoints
 * cost heap only for the tensors actually converted. A mapping stays valid after its channel is
 * closed, so instances hold no open file and need no closing.
 */
public final class SafetensorsFile {
  /** Real headers are kilobytes to a few MB; anything this big is corruption, not a model. */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  static final String METADATA_KEY = "__metadata__";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final String ENTRY_SHAPE =
      "{\"dtype\": \"F32\", \"shape\": [d0, d1, ...], \"data_offsets\": [begin, end]}";

  private final Path file;
  private final Map<String, String> metadata;
  private final Map<String, TensorInfo> infos;
  private final Map<String, ByteBuffer> bytesByName;

  private SafetensorsFile(
      Path file,
      Map<String, String> metadata,
      Map<String, TensorInfo> infos,
      Map<String, ByteBuffer> bytesByName) {
    this.file = file;
    this.metadata = metadata;
    this.infos = infos;
    this.bytesByName = bytesByName;
  }

  /** Reads and validates the header, and maps every tensor's bytes. */
  public static SafetensorsFile read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 8) {
        throw error(
            file,
            "file is " + size + " bytes, too short for the 8-byte little-endian header length"
                + " every safetensors file starts with; is it empty or truncated?");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.getLong(0); // unsigned: negative means >= 2^63
      if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
        throw error(
            file,
            "header length field is " + Long.toUnsignedString(headerLength)
                + " bytes; expected at most " + MAX_HEADER_BYTES
                + " (100 MB). The file is not safetensors or its first 8 bytes are corrupt");
      }
      if (headerLength > size - 8) {
        throw error(
            file,
            "header length field is " + headerLength + " bytes but only " + (size - 8)
                + " bytes follow it; the file is truncated or not safetensors");
      }
      if (headerLength < 2) {
        throw error(file, "header length field is " + headerLength
            + "; expected a JSON object of at least 2 bytes ({})");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8);
      headerBytes.flip();
      JsonNode root = parseHeader(file, headerBytes);

      Map<String, String> metadata = Map.of();
      Map<String, TensorInfo> infos = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> field : root.properties()) {
        if (METADATA_KEY.equals(field.getKey())) {
          metadata = parseMetadata(file, field.getValue());
        } else {
          infos.put(field.getKey(), parseEntry(file, field.getKey(), field.getValue()));
        }
      }

      long dataStart = 8 + headerLength;
      checkLayout(file, infos, size - dataStart);

      Map<String, ByteBuffer> bytesByName = new LinkedHashMap<>();
      for (Map.Entry<String, TensorInfo> entry : infos.entrySet()) {
        TensorInfo info = entry.getValue();
        if (info.byteSize() > Integer.MAX_VALUE) {
          throw error(
              file,
              "tensor '" + entry.getKey() + "' is " + info.byteSize()
                  + " bytes; this reader maps tensors of at most 2 GiB each");
        }
        ByteBuffer bytes =
            info.byteSize() == 0
                ? ByteBuffer.allocate(0)
                : channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(),
                    info.byteSize());
        bytesByName.put(entry.getKey(), bytes);
      }
      return new SafetensorsFile(
          file,
          Collections.unmodifiableMap(new LinkedHashMap<>(metadata)),
          Collections.unmodifiableMap(infos),
          bytesByName);
    }
  }

  public Path file() {
    return file;
  }

  /** The {@code __metadata__} strings, in header order; empty if the file has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Tensor names in header order. */
  public Set<String> names() {
    return infos.keySet();
  }

  public boolean contains(String name) {
    return infos.containsKey(name);
  }

  public TensorInfo info(String name) throws SafetensorsFormatException {
    TensorInfo info = infos.get(name);
    if (info == null) {
      throw error(file, "no tensor named '" + name + "'; it has " + describeNames());
    }
    return info;
  }

  /**
   * The tensor as float32. F32 is copied, F16 and BF16 are widened exactly (subnormals, infinities
   * and NaN included), F64 is rounded to the nearest float.
   */
  public float[] floats(String name) throws SafetensorsFormatException {
    TensorInfo info = info(name);
    ByteBuffer bytes = view(name);
    float[] out = new float[elementCountAsInt(name, info)];
    switch (info.dtype()) {
      case F32 -> bytes.asFloatBuffer().get(out);
      case F16 -> {
        ShortBuffer halves = bytes.asShortBuffer();
        for (int i = 0; i < out.length; i++) {
          out[i] = HalfPrecision.f16ToFloat(halves.get(i));
        }
      }
      case BF16 -> {
        ShortBuffer halves = bytes.asShortBuffer();
        for (int i = 0; i < out.length; i++) {
          out[i] = HalfPrecision.bf16ToFloat(halves.get(i));
        }
      }
      case F64 -> {
        DoubleBuffer doubles = bytes.asDoubleBuffer();
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) doubles.get(i);
        }
      }
      default -> throw wrongType(name, info, "F32, F16, BF16 or F64");
    }
    return out;
  }

  /** {@link #floats} with the tensor's shape. */
  public FloatTensor floatTensor(String name) throws SafetensorsFormatException {
    return new FloatTensor(info(name).shape(), floats(name));
  }

  /** A U8 tensor's bytes. */
  public byte[] bytes(String name) throws SafetensorsFormatException {
    TensorInfo info = info(name);
    if (info.dtype() != DType.U8) {
      throw wrongType(name, info, "U8");
    }
    byte[] out = new byte[elementCountAsInt(name, info)];
    view(name).get(out);
    return out;
  }

  /** An I64 tensor (I32 is widened). */
  public long[] longs(String name) throws SafetensorsFormatException {
    TensorInfo info = info(name);
    ByteBuffer bytes = view(name);
    long[] out = new long[elementCountAsInt(name, info)];
    switch (info.dtype()) {
      case I64 -> bytes.asLongBuffer().get(out);
      case I32 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = bytes.getInt(4 * i);
        }
      }
      default -> throw wrongType(name, info, "I64 or I32");
    }
    return out;
  }

  @Override
  public String toString() {
    return "SafetensorsFile[" + file + ", " + infos.size() + " tensors]";
  }

  private ByteBuffer view(String name) {
    // duplicate: position and byte order are per buffer, and instances may be shared by threads.
    return bytesByName.get(name).duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  private int elementCountAsInt(String name, TensorInfo info) throws SafetensorsFormatException {
    long count = info.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw error(file, "tensor '" + name + "' has " + count
          + " elements, more than a Java array can hold");
    }
    return (int) count;
  }

  private SafetensorsFormatException wrongType(String name, TensorInfo info, String expected) {
    return error(
        file, "tensor '" + name + "' has dtype " + info.dtype() + "; expected " + expected);
  }

  private String describeNames() {
    if (infos.isEmpty()) {
      return "no tensors";
    }
    List<String> some = infos.keySet().stream().limit(5).toList();
    String more = infos.size() > some.size() ? ", ..." : "";
    return infos.size() + " tensors: " + String.join(", ", some) + more;
  }

  // ---- header parsing -------------------------------------------------------------------------

  private static JsonNode parseHeader(Path file, ByteBuffer headerBytes)
      throws SafetensorsFormatException {
    CharBuffer text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(headerBytes);
    } catch (CharacterCodingException e) {
      throw error(file, "header is not valid UTF-8; expected a UTF-8 JSON object", e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text.toString());
    } catch (JacksonException e) {
      throw error(
          file,
          "header is not valid JSON (" + e.getOriginalMessage()
              + "); expected a JSON object of tensor entries padded with spaces",
          e);
    }
    if (root == null || !root.isObject()) {
      throw error(
          file,
          "header is a JSON " + (root == null ? "nothing" : root.getNodeType().toString()
              .toLowerCase())
              + "; expected a JSON object {name: " + ENTRY_SHAPE + ", ...}");
    }
    return root;
  }

  private static Map<String, String> parseMetadata(Path file, JsonNode node)
      throws SafetensorsFormatException {
    if (!node.isObject()) {
      throw error(file, "\"" + METADATA_KEY + "\" is a JSON " + node.getNodeType().toString()
          .toLowerCase() + "; expected an object of string values");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getValue().isTextual()) {
        throw error(
            file,
            "\"" + METADATA_KEY + "\" value of '" + field.getKey() + "' is " + field.getValue()
                + "; expected a string (safetensors metadata maps strings to strings)");
      }
      metadata.put(field.getKey(), field.getValue().textValue());
    }
    return metadata;
  }

  private static TensorInfo parseEntry(Path file, String name, JsonNode node)
      throws SafetensorsFormatException {
    String where = "tensor '" + name + "'";
    if (!node.isObject()) {
      throw error(file, where + " is " + node + "; expected " + ENTRY_SHAPE);
    }
    for (Map.Entry<String, JsonNode> property : node.properties()) {
      String field = property.getKey();
      if (!field.equals("dtype") && !field.equals("shape") && !field.equals("data_offsets")) {
        throw error(file, where + " has unknown field '" + field
            + "'; expected only dtype, shape and data_offsets");
      }
    }
    JsonNode dtypeNode = required(file, where, node, "dtype");
    JsonNode shapeNode = required(file, where, node, "shape");
    JsonNode offsetsNode = required(file, where, node, "data_offsets");

    if (!dtypeNode.isTextual()) {
      throw error(file, where + " has dtype " + dtypeNode + "; expected a string such as \"F32\"");
    }
    DType dtype = DType.fromHeaderName(dtypeNode.textValue());
    if (dtype == null) {
      throw error(
          file,
          where + " has unknown dtype \"" + dtypeNode.textValue() + "\"; expected one of "
              + Arrays.toString(DType.values()));
    }
    long[] shape = nonNegativeLongs(file, where, "shape", shapeNode);
    long[] offsets = nonNegativeLongs(file, where, "data_offsets", offsetsNode);
    if (offsets.length != 2) {
      throw error(file, where + " has data_offsets " + offsetsNode
          + "; expected exactly two numbers [begin, end]");
    }
    if (offsets[1] < offsets[0]) {
      throw error(file, where + " has data_offsets " + offsetsNode
          + " ending before they begin; expected begin <= end");
    }
    long expectedBytes;
    try {
      expectedBytes = Math.multiplyExact(TensorInfo.product(shape), dtype.byteSize());
    } catch (ArithmeticException e) {
      throw error(file, where + " has shape " + Arrays.toString(shape) + " too large to address");
    }
    long actualBytes = offsets[1] - offsets[0];
    if (actualBytes != expectedBytes) {
      throw error(
          file,
          where + " is " + dtype + " " + Arrays.toString(shape) + ", which needs "
              + expectedBytes + " bytes (" + TensorInfo.product(shape) + " elements x "
              + dtype.byteSize() + "), but data_offsets " + offsetsNode + " span "
              + actualBytes + " bytes");
    }
    return new TensorInfo(dtype, shape, offsets[0], offsets[1]);
  }

  private static JsonNode required(Path file, String where, JsonNode node, String field)
      throws SafetensorsFormatException {
    JsonNode value = node.get(field);
    if (value == null) {
      throw error(file, where + " has no \"" + field + "\"; expected " + ENTRY_SHAPE);
    }
    return value;
  }

  private static long[] nonNegativeLongs(Path file, String where, String field, JsonNode node)
      throws SafetensorsFormatException {
    if (!node.isArray()) {
      throw error(file, where + " has " + field + " " + node
          + "; expected an array of non-negative integers");
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode element = node.get(i);
      if (!element.isIntegralNumber() || !element.canConvertToLong() || element.longValue() < 0) {
        throw error(file, where + " has " + field + " " + node
            + "; expected an array of non-negative integers");
      }
      values[i] = element.longValue();
    }
    return values;
  }

  /** Tensors must tile [0, dataLength) exactly, in offset order. */
  private static void checkLayout(Path file, Map<String, TensorInfo> infos, long dataLength)
      throws SafetensorsFormatException {
    List<Map.Entry<String, TensorInfo>> byOffset = new ArrayList<>(infos.entrySet());
    byOffset.sort(
        Comparator.comparingLong((Map.Entry<String, TensorInfo> e) -> e.getValue().begin())
            .thenComparingLong(e -> e.getValue().end()));
    long expectedBegin = 0;
    String previous = null;
    for (Map.Entry<String, TensorInfo> entry : byOffset) {
      TensorInfo info = entry.getValue();
      String after = previous == null ? "the start of the data section" : "'" + previous + "'";
      if (info.begin() < expectedBegin) {
        throw error(
            file,
            "tensor '" + entry.getKey() + "' begins at byte " + info.begin()
                + ", inside " + after + " which ends at " + expectedBegin
                + "; tensors must not overlap");
      }
      if (info.begin() > expectedBegin) {
        throw error(
            file,
            "gap of " + (info.begin() - expectedBegin) + " bytes between " + after
                + " (ends at " + expectedBegin + ") and tensor '" + entry.getKey()
                + "' (begins at " + info.begin() + "); expected tensors packed back to back");
      }
      expectedBegin = info.end();
      previous = entry.getKey();
    }
    if (dataLength < expectedBegin) {
      throw error(
          file,
          "file is truncated: the header places tensors up to byte " + expectedBegin
              + " of the data section (last: '" + previous + "') but only " + dataLength
              + " bytes are present, " + (expectedBegin - dataLength) + " bytes missing");
    }
    if (dataLength > expectedBegin) {
      throw error(
          file,
          (dataLength - expectedBegin) + " bytes of unexpected trailing data after the last"
              + " tensor (data section is " + dataLength + " bytes, tensors end at "
              + expectedBegin + "); expected the file to end with the last tensor");
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new EOFException("file ended while reading " + buffer.remaining() + " more bytes");
      }
    }
  }

  static SafetensorsFormatException error(Path file, String problem) {
    return new SafetensorsFormatException(file + ": " + problem);
  }

  static SafetensorsFormatException error(Path file, String problem, Throwable cause) {
    return new SafetensorsFormatException(file + ": " + problem, cause);
  }
}
