package org.medlora.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a safetensors file: tensors in the order they are put, packed back to back, header
 * padded with spaces to a multiple of 8 so the data section is 8-byte aligned.
 *
 * <p>Arrays are kept by reference until {@link #write}, not copied (adapters are small but a
 * re-exported backbone is not); do not modify them in between.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_BYTES = 1 << 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  /** Adds a float32 tensor. */
  public SafetensorsWriter putFloats(String name, long[] shape, float[] data) {
    return putFloats(name, shape, data, DType.F32);
  }

  /**
   * Adds a float tensor stored as F32, F16 or BF16; narrowing rounds to nearest, ties to even,
   * and F16 overflows to infinity beyond 65504.
   */
  public SafetensorsWriter putFloats(String name, long[] shape, float[] data, DType dtype) {
    Objects.requireNonNull(data, "data");
    if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
      throw new IllegalArgumentException(
          "float tensors are written as F32, F16 or BF16, not " + dtype);
    }
    add(new Entry(name, dtype, checkShape(name, shape, data.length), data));
    return this;
  }

  /** Adds a U8 tensor. */
  public SafetensorsWriter putBytes(String name, long[] shape, byte[] data) {
    Objects.requireNonNull(data, "data");
    add(new Entry(name, DType.U8, checkShape(name, shape, data.length), data));
    return this;
  }

  /**
   * Adds already encoded little-endian bytes of any dtype, unchecked against the dtype's
   * semantics. Package-private: tests use it to craft I64 or F64 tensors.
   */
  SafetensorsWriter putRaw(String name, DType dtype, long[] shape, byte[] littleEndian) {
    checkShape(name, shape, -1);
    long count = TensorInfo.product(shape);
    if (count * dtype.byteSize() != littleEndian.length) {
      throw new IllegalArgumentException(
          name + ": " + dtype + " " + Arrays.toString(shape) + " needs "
              + count * dtype.byteSize() + " bytes, got " + littleEndian.length);
    }
    add(new Entry(name, dtype, shape.clone(), littleEndian));
    return this;
  }

  public SafetensorsWriter putMetadata(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    metadata.put(key, value);
    return this;
  }

  /**
   * Writes the file atomically: into a temporary file in the same folder, flushed to disk, then
   * renamed over {@code file}, so readers never see a half-written checkpoint.
   */
  public void write(Path file) throws IOException {
    byte[] header = header();
    Path target = file.toAbsolutePath();
    Path folder = target.getParent();
    Files.createDirectories(folder);
    // Not Files.createTempFile: it makes the file owner-only (0600); CREATE_NEW keeps the umask.
    Path temp =
        folder.resolve(
            "." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      try (channel) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(header.length);
        putAll(buffer, channel, header);
        for (Entry entry : entries) {
          entry.encode(buffer, channel);
        }
        drain(buffer, channel);
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private byte[] header() {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(SafetensorsFile.METADATA_KEY);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Entry entry : entries) {
      ObjectNode node = root.putObject(entry.name);
      node.put("dtype", entry.dtype.name());
      ArrayNode shape = node.putArray("shape");
      for (long dim : entry.shape) {
        shape.add(dim);
      }
      long end = offset + entry.byteSize();
      node.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] header = Arrays.copyOf(json, padded);
    Arrays.fill(header, json.length, padded, (byte) ' ');
    return header;
  }

  private void add(Entry entry) {
    if (SafetensorsFile.METADATA_KEY.equals(entry.name)) {
      throw new IllegalArgumentException(
          "'" + SafetensorsFile.METADATA_KEY + "' is reserved; use putMetadata");
    }
    if (!names.add(entry.name)) {
      throw new IllegalArgumentException("tensor '" + entry.name + "' was already put");
    }
    entries.add(entry);
  }

  /** Validates and copies the shape; {@code length} < 0 skips the element-count check. */
  private static long[] checkShape(String name, long[] shape, long length) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shape, "shape");
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException(
            name + ": negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dim);
    }
    if (length >= 0 && count != length) {
      throw new IllegalArgumentException(
          name + ": shape " + Arrays.toString(shape) + " holds " + count + " elements but "
              + length + " were given");
    }
    return shape.clone();
  }

  private static void putAll(ByteBuffer buffer, FileChannel channel, byte[] bytes)
      throws IOException {
    int offset = 0;
    while (offset < bytes.length) {
      if (!buffer.hasRemaining()) {
        drain(buffer, channel);
      }
      int n = Math.min(buffer.remaining(), bytes.length - offset);
      buffer.put(bytes, offset, n);
      offset += n;
    }
  }

  private static void drain(ByteBuffer buffer, FileChannel channel) throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  private record Entry(String name, DType dtype, long[] shape, Object data) {
    long byteSize() {
      return data instanceof float[] floats
          ? (long) floats.length * dtype.byteSize()
          : ((byte[]) data).length;
    }

    void encode(ByteBuffer buffer, FileChannel channel) throws IOException {
      if (data instanceof byte[] bytes) {
        putAll(buffer, channel, bytes);
        return;
      }
      float[] floats = (float[]) data;
      for (float value : floats) {
        if (buffer.remaining() < 4) {
          drain(buffer, channel);
        }
        switch (dtype) {
          case F32 -> buffer.putFloat(value);
          case F16 -> buffer.putShort(HalfPrecision.floatToF16(value));
          case BF16 -> buffer.putShort(HalfPrecision.floatToBf16(value));
          default -> throw new IllegalStateException(dtype.name());
        }
      }
    }
  }
}
