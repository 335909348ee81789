package org.medlora.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
  @TempDir Path dir;

  @Test
  void roundTripsFloatsBytesAndMetadataInPutOrder() throws Exception {
    float[] weights = {1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, -3.25f};
    byte[] mask = {0, 1, (byte) 255};
    Path file = dir.resolve("rt.safetensors");
    new SafetensorsWriter()
        .putFloats("z.weights", new long[] {2, 3}, weights)
        .putBytes("a.mask", new long[] {3}, mask)
        .putFloats("scalar", new long[] {}, new float[] {7f})
        .putMetadata("format", "test")
        .putMetadata("rank", "3")
        .write(file);

    SafetensorsFile read = SafetensorsFile.read(file);
    assertEquals(List.of("z.weights", "a.mask", "scalar"), new ArrayList<>(read.names()));
    assertEquals(Map.of("format", "test", "rank", "3"), read.metadata());
    assertArrayEquals(new long[] {2, 3}, read.info("z.weights").shape());
    assertEquals(DType.F32, read.info("z.weights").dtype());
    assertEquals(DType.U8, read.info("a.mask").dtype());
    float[] back = read.floats("z.weights");
    for (int i = 0; i < weights.length; i++) {
      assertEquals(Float.floatToRawIntBits(weights[i]), Float.floatToRawIntBits(back[i]));
    }
    assertArrayEquals(mask, read.bytes("a.mask"));
    assertArrayEquals(new float[] {7f}, read.floats("scalar"));
    assertEquals(new FloatTensor(new long[] {}, new float[] {7f}), read.floatTensor("scalar"));
  }

  @Test
  void rewritesTheFixtureByteForByte() throws Exception {
    // The fixture was written by an independent writer with the same conventions.
    Path original = SafetensorsFileTest.fixture("heads.safetensors");
    SafetensorsFile read = SafetensorsFile.read(original);
    SafetensorsWriter writer = new SafetensorsWriter();
    read.metadata().forEach(writer::putMetadata);
    for (String name : read.names()) {
      writer.putFloats(name, read.info(name).shape(), read.floats(name));
    }
    Path copy = dir.resolve("heads.safetensors");
    writer.write(copy);
    SafetensorsFile again = SafetensorsFile.read(copy);
    assertEquals(new ArrayList<>(read.names()), new ArrayList<>(again.names()));
    for (String name : read.names()) {
      assertEquals(read.floatTensor(name), again.floatTensor(name), name);
    }
    assertEquals(read.metadata(), again.metadata());
  }

  @Test
  void padsTheHeaderWithSpacesToAMultipleOfEight() throws Exception {
    Path file = dir.resolve("pad.safetensors");
    new SafetensorsWriter().putBytes("x", new long[] {1}, new byte[] {42}).write(file);
    byte[] raw = Files.readAllBytes(file);
    long length = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, length % 8);
    String header = new String(raw, 8, (int) length, StandardCharsets.UTF_8);
    String json = "{\"x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
    assertEquals(json + " ".repeat((int) length - json.length()), header);
    assertEquals(8 + length + 1, raw.length);
    assertEquals(42, raw[raw.length - 1]);
  }

  @Test
  void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws Exception {
    Path file = dir.resolve("model.safetensors");
    Files.writeString(file, "old content");
    new SafetensorsWriter().putFloats("w", new long[] {1}, new float[] {5f}).write(file);
    assertArrayEquals(new float[] {5f}, SafetensorsFile.read(file).floats("w"));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void failedWriteLeavesTheOldFileAndNoTemporaryFiles() throws Exception {
    Path target = dir.resolve("taken");
    Files.createDirectory(target);
    Files.writeString(target.resolve("inside"), "x"); // a non-empty folder cannot be replaced
    SafetensorsWriter writer = new SafetensorsWriter().putBytes("b", new long[] {1}, new byte[1]);
    assertThrows(java.io.IOException.class, () -> writer.write(target));
    assertTrue(Files.isDirectory(target));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList());
    }
  }

  @Test
  void rejectsShapeThatDoesNotMatchTheData() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SafetensorsWriter().putFloats("w", new long[] {2, 3}, new float[5]));
    assertTrue(e.getMessage().contains("[2, 3] holds 6 elements but 5"), e.getMessage());
  }

  @Test
  void rejectsDuplicateAndReservedNames() {
    SafetensorsWriter writer = new SafetensorsWriter().putFloats("w", new long[] {1}, new float[1]);
    assertThrows(IllegalArgumentException.class,
        () -> writer.putFloats("w", new long[] {1}, new float[1]));
    assertThrows(IllegalArgumentException.class,
        () -> writer.putBytes("__metadata__", new long[] {1}, new byte[1]));
    assertThrows(IllegalArgumentException.class,
        () -> writer.putFloats("i", new long[] {1}, new float[1], DType.I64));
  }

  @Test
  void everyHalfPrecisionValueSurvivesWidenThenNarrow() {
    for (int bits = 0; bits < 65536; bits++) {
      float wide = HalfPrecision.f16ToFloat(bits);
      short narrow = HalfPrecision.floatToF16(wide);
      if (Float.isNaN(wide)) {
        assertTrue((narrow & 0x7c00) == 0x7c00 && (narrow & 0x3ff) != 0, "NaN stays NaN");
      } else {
        assertEquals(bits, narrow & 0xffff, "0x" + Integer.toHexString(bits));
      }
    }
  }

  @Test
  void narrowsToHalfRoundingToNearestEven() {
    assertEquals(0x3c00, HalfPrecision.floatToF16(1f + 0x1p-11f));         // tie -> even (down)
    assertEquals(0x3c02, HalfPrecision.floatToF16(1f + 3 * 0x1p-11f));     // tie -> even (up)
    assertEquals(0x3c01, HalfPrecision.floatToF16(1f + 0x1p-11f + 0x1p-20f)); // above tie
    assertEquals(0x7bff, HalfPrecision.floatToF16(65519f));                // below the midpoint
    assertEquals(0x7c00, HalfPrecision.floatToF16(65520f));                // midpoint -> inf
    assertEquals(0x0000, HalfPrecision.floatToF16(0x1p-25f));             // tie -> zero
    assertEquals(0x0001, HalfPrecision.floatToF16(0x1.01p-25f));           // -> min subnormal
    assertEquals(0x0002, HalfPrecision.floatToF16(3 * 0x1p-25f));         // tie -> even
    assertEquals(0x0400, HalfPrecision.floatToF16(0x1.ffcp-15f));          // rounds up to normal
    assertEquals(0x8000, HalfPrecision.floatToF16(-1e-10f) & 0xffff);      // keeps the sign
  }

  @Test
  void narrowsToBfloat16RoundingToNearestEven() {
    assertEquals(0x3f80, HalfPrecision.floatToBf16(Float.intBitsToFloat(0x3f808000))); // tie down
    assertEquals(0x3f82, HalfPrecision.floatToBf16(Float.intBitsToFloat(0x3f818000))); // tie up
    assertEquals(0x3f81, HalfPrecision.floatToBf16(Float.intBitsToFloat(0x3f808001)));
    assertEquals(0x7f80, HalfPrecision.floatToBf16(Float.MAX_VALUE));                   // -> inf
    assertTrue(Float.isNaN(HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(Float.NaN))));
  }

  @Test
  void writesF16AndBf16ThatReadBackWithinTheirPrecision() throws Exception {
    Random random = new Random(7);
    float[] values = new float[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 4));
    }
    Path file = dir.resolve("half.safetensors");
    new SafetensorsWriter()
        .putFloats("h", new long[] {1000}, values, DType.F16)
        .putFloats("b", new long[] {10, 100}, values, DType.BF16)
        .write(file);
    SafetensorsFile read = SafetensorsFile.read(file);
    assertEquals(2000, read.info("h").byteSize());
    assertEquals(DType.BF16, read.info("b").dtype());
    float[] half = read.floats("h");
    float[] brain = read.floats("b");
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      // F16: 11 significant bits, subnormal spacing 2^-24; BF16: 8 bits, float32 range.
      float f16Tolerance = Math.max(Math.abs(v) * 0x1p-11f, 0x1p-25f);
      assertTrue(Math.abs(half[i] - v) <= f16Tolerance, v + " -> " + half[i]);
      assertTrue(Math.abs(brain[i] - v) <= Math.abs(v) * 0x1p-8f, v + " -> " + brain[i]);
    }
  }
}
