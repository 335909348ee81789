package org.medlora.imaging;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test-only reader for F32 tensors in a safetensors file: 8-byte little-endian header length N,
 * N bytes of JSON, then the data. The JSON is picked apart with a regex, which is enough for
 * the flat, machine-written fixture headers.
 */
final class Safetensors {

  private Safetensors() {}

  static float[] readF32(byte[] file, String name, int... expectedShape) {
    ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = buf.getLong(0);
    String header = new String(file, 8, Math.toIntExact(headerLength), StandardCharsets.UTF_8);
    Matcher entry =
        Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\\{([^}]*)\\}").matcher(header);
    if (!entry.find()) {
      throw new IllegalArgumentException("no tensor " + name + " in header " + header);
    }
    String body = entry.group(1);
    String dtype = group(body, "\"dtype\"\\s*:\\s*\"(\\w+)\"");
    int[] shape = ints(group(body, "\"shape\"\\s*:\\s*\\[([^\\]]*)\\]"));
    int[] offsets = ints(group(body, "\"data_offsets\"\\s*:\\s*\\[([^\\]]*)\\]"));
    if (!dtype.equals("F32") || !Arrays.equals(shape, expectedShape)) {
      throw new IllegalArgumentException(
          name + " is " + dtype + Arrays.toString(shape) + ", expected F32"
              + Arrays.toString(expectedShape));
    }
    int count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (offsets[1] - offsets[0] != 4 * count) {
      throw new IllegalArgumentException(name + " has offsets " + Arrays.toString(offsets));
    }
    float[] out = new float[count];
    buf.position(Math.toIntExact(8 + headerLength + offsets[0]));
    buf.asFloatBuffer().get(out);
    return out;
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no match for " + regex + " in " + text);
    }
    return m.group(1);
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }
}
