package org.medlora.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsFileTest {
  @TempDir Path dir;

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(SafetensorsFileTest.class
        .getResource("/dinov2-reference/fixture_a/" + name).toURI());
  }

  private SafetensorsFormatException rejects(String header, byte[] data) throws IOException {
    Path file = RawSafetensors.write(dir.resolve("bad.safetensors"), header, data);
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.read(file));
    assertTrue(e.getMessage().contains("bad.safetensors"), "names the file: " + e.getMessage());
    return e;
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }
  }

  // ---- the fixture ------------------------------------------------------------------------------

  @Test
  void readsFixtureNamesInHeaderOrderWithShapesAndMetadataOfTheManifest() throws Exception {
    JsonNode manifest = new ObjectMapper().readTree(fixture("manifest.json").toFile())
        .get("files").get("weights_meta.safetensors");
    SafetensorsFile file = SafetensorsFile.read(fixture("weights_meta.safetensors"));

    List<String> expectedNames = new ArrayList<>();
    manifest.get("tensors").properties().forEach(p -> expectedNames.add(p.getKey()));
    assertEquals(expectedNames, new ArrayList<>(file.names()));
    for (String name : expectedNames) {
      JsonNode shape = manifest.get("tensors").get(name).get("shape");
      long[] expected = new long[shape.size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = shape.get(i).longValue();
      }
      assertArrayEquals(expected, file.info(name).shape(), name);
      assertEquals(DType.F32, file.info(name).dtype());
    }
    assertEquals("4", file.metadata().get("num_heads"));
    assertEquals("meta_dinov2", file.metadata().get("layout"));
    assertEquals(1L * 1370 * 64, file.info("pos_embed").elementCount());
    assertEquals(1370 * 64, file.floats("pos_embed").length);
  }

  @Test
  void unknownNameErrorListsAvailableNames() throws Exception {
    SafetensorsFile file = SafetensorsFile.read(fixture("weights_meta.safetensors"));
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> file.floats("blocks.9.norm1.weight"));
    assertMentions(e, "blocks.9.norm1.weight", "cls_token", "pos_embed", "35 tensors");
  }

  // ---- dtypes ---------------------------------------------------------------------------------

  @Test
  void widensEveryHalfPrecisionValueExactlyIncludingSubnormalsInfinitiesAndNan()
      throws Exception {
    int[] all = new int[65536];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    Path path = RawSafetensors.write(dir.resolve("f16.safetensors"),
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[65536],\"data_offsets\":[0,131072]}}",
        RawSafetensors.shortsLe(all));
    float[] widened = SafetensorsFile.read(path).floats("h");
    for (int bits = 0; bits < 65536; bits++) {
      // Independent reference: the IEEE binary16 definition evaluated in double.
      int exponent = (bits >>> 10) & 0x1f;
      int mantissa = bits & 0x3ff;
      double sign = (bits & 0x8000) != 0 ? -1 : 1;
      float got = widened[bits];
      if (exponent == 0x1f && mantissa != 0) {
        assertTrue(Float.isNaN(got), "0x" + Integer.toHexString(bits) + " is NaN");
        continue;
      }
      double expected = exponent == 0x1f ? sign * Double.POSITIVE_INFINITY
          : exponent == 0 ? sign * Math.scalb((double) mantissa, -24)
          : sign * Math.scalb(1024.0 + mantissa, exponent - 25);
      assertEquals(Float.floatToRawIntBits((float) expected), Float.floatToRawIntBits(got),
          "0x" + Integer.toHexString(bits) + " should widen to " + expected + ", got " + got);
    }
    assertEquals(0x1p-24f, widened[0x0001]);          // smallest subnormal
    assertEquals(6.097555e-5f, widened[0x03ff]);       // largest subnormal
    assertEquals(65504f, widened[0x7bff]);             // largest finite
    assertEquals(Float.NEGATIVE_INFINITY, widened[0xfc00]);
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(widened[0x8000]));
    assertEquals(0.333251953125f, widened[0x3555]);
  }

  @Test
  void widensBfloat16ByPlacingItsBitsInTheTopHalfOfAFloat() throws Exception {
    Path path = RawSafetensors.write(dir.resolve("bf16.safetensors"),
        "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2,4],\"data_offsets\":[0,16]}}",
        RawSafetensors.shortsLe(0x3f80, 0xc000, 0x7f80, 0xff80, 0x0001, 0x3eab, 0x7fc0, 0x8000));
    SafetensorsFile file = SafetensorsFile.read(path);
    float[] got = file.floats("b");
    assertEquals(1f, got[0]);
    assertEquals(-2f, got[1]);
    assertEquals(Float.POSITIVE_INFINITY, got[2]);
    assertEquals(Float.NEGATIVE_INFINITY, got[3]);
    assertEquals(Float.intBitsToFloat(0x00010000), got[4]); // a float32 subnormal, exact
    assertEquals(0.333984375f, got[5]);
    assertTrue(Float.isNaN(got[6]));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got[7]));
    assertArrayEquals(new long[] {2, 4}, file.floatTensor("b").shape());
  }

  @Test
  void narrowsF64ToTheNearestFloat() throws Exception {
    double third = 1.0 / 3.0;
    Path path = RawSafetensors.write(dir.resolve("f64.safetensors"),
        "{\"d\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]}}",
        RawSafetensors.doublesLe(third, 1e300, -2.5));
    float[] got = SafetensorsFile.read(path).floats("d");
    assertArrayEquals(new float[] {(float) third, Float.POSITIVE_INFINITY, -2.5f}, got);
  }

  @Test
  void readsI64AsLongsAndRefusesToReadThemAsFloats() throws Exception {
    Path path = RawSafetensors.write(dir.resolve("i64.safetensors"),
        "{\"ids\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]}}",
        RawSafetensors.longsLe(-1, 0, 1L << 40));
    SafetensorsFile file = SafetensorsFile.read(path);
    assertArrayEquals(new long[] {-1, 0, 1L << 40}, file.longs("ids"));
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> file.floats("ids"));
    assertMentions(e, "ids", "I64", "F32, F16, BF16 or F64");
    assertThrows(SafetensorsFormatException.class, () -> file.bytes("ids"));
  }

  @Test
  void acceptsAnEmptyFileWithOnlyMetadataAndZeroSizedTensors() throws Exception {
    Path path = RawSafetensors.write(dir.resolve("empty.safetensors"),
        "{\"__metadata__\":{\"k\":\"v\"},\"z\":{\"dtype\":\"F32\",\"shape\":[0,3],"
            + "\"data_offsets\":[0,0]}}  ", new byte[0]);
    SafetensorsFile file = SafetensorsFile.read(path);
    assertEquals("v", file.metadata().get("k"));
    assertEquals(0, file.floats("z").length);
  }

  // ---- structural errors ------------------------------------------------------------------------

  @Test
  void rejectsFileShorterThanTheEightByteLengthField() throws Exception {
    Path file = dir.resolve("bad.safetensors");
    java.nio.file.Files.write(file, new byte[] {1, 2, 3, 4, 5});
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.read(file));
    assertMentions(e, "bad.safetensors", "5 bytes", "8-byte");
  }

  @Test
  void rejectsHeaderLengthBeyondTheEndOfTheFile() throws Exception {
    Path file = RawSafetensors.write(dir.resolve("bad.safetensors"), 500, "{}".getBytes(),
        new byte[0]);
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.read(file));
    assertMentions(e, "bad.safetensors", "500", "only 2 bytes follow");
  }

  @ParameterizedTest
  @ValueSource(longs = {200L * 1024 * 1024, -1L})
  void rejectsAbsurdHeaderLengthsEvenWhenTheyWouldBeUnsignedHuge(long field) throws Exception {
    Path file = RawSafetensors.write(dir.resolve("bad.safetensors"), field, "{}".getBytes(),
        new byte[0]);
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.read(file));
    assertMentions(e, Long.toUnsignedString(field), "at most 104857600");
  }

  @Test
  void rejectsHeaderThatIsNotJson() throws Exception {
    assertMentions(rejects("{\"a\": [1, 2", new byte[0]), "not valid JSON");
    assertMentions(rejects("garbage!", new byte[0]), "not valid JSON");
  }

  @Test
  void rejectsHeaderThatIsJsonButNotAnObject() throws Exception {
    assertMentions(rejects("[1, 2, 3]", new byte[0]), "JSON array", "expected a JSON object");
  }

  @Test
  void rejectsHeaderThatIsNotUtf8() throws Exception {
    Path file = RawSafetensors.write(dir.resolve("bad.safetensors"), 4,
        new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}, new byte[0]);
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.read(file));
    assertMentions(e, "UTF-8");
  }

  @Test
  void rejectsDuplicateTensorNames() throws Exception {
    String entry = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
    assertMentions(rejects("{\"a\":" + entry + ",\"a\":" + entry + "}", new byte[1]),
        "Duplicate field 'a'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dtype", "shape", "data_offsets"})
  void rejectsEntryMissingARequiredField(String missing) throws Exception {
    String dtype = missing.equals("dtype") ? "" : "\"dtype\":\"F32\",";
    String shape = missing.equals("shape") ? "" : "\"shape\":[2],";
    String offsets = missing.equals("data_offsets") ? "" : "\"data_offsets\":[0,8],";
    String body = (dtype + shape + offsets).replaceAll(",$", "");
    SafetensorsFormatException e = rejects("{\"w\":{" + body + "}}", new byte[8]);
    assertMentions(e, "tensor 'w' has no \"" + missing + "\"", "expected {\"dtype\"");
  }

  @Test
  void rejectsMetadataWithNonStringValues() throws Exception {
    assertMentions(rejects("{\"__metadata__\":{\"num_heads\":4}}", new byte[0]),
        "num_heads", "expected a string");
  }

  @Test
  void rejectsUnknownDtypeListingTheKnownOnes() throws Exception {
    SafetensorsFormatException e =
        rejects("{\"w\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}", new byte[1]);
    assertMentions(e, "'w'", "unknown dtype \"F4\"", "BF16", "F32");
  }

  @Test
  void rejectsNegativeOrFractionalShapes() throws Exception {
    assertMentions(
        rejects("{\"w\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]),
        "shape [-1]", "non-negative integers");
    assertMentions(
        rejects("{\"w\":{\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,1]}}", new byte[1]),
        "non-negative integers");
  }

  @Test
  void rejectsByteSizeThatDisagreesWithDtypeAndShape() throws Exception {
    SafetensorsFormatException e =
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}",
            new byte[20]);
    assertMentions(e, "'w'", "F32 [2, 3]", "needs 24 bytes", "span 20 bytes");
  }

  @Test
  void rejectsOffsetsThatEndBeforeTheyBegin() throws Exception {
    assertMentions(
        rejects("{\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[4]),
        "[4,0]", "begin <= end");
  }

  @Test
  void rejectsOverlappingTensorsNamingBoth() throws Exception {
    SafetensorsFormatException e = rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
        new byte[12]);
    assertMentions(e, "'b' begins at byte 4", "inside 'a'", "must not overlap");
  }

  @Test
  void rejectsGapsBetweenTensorsAndBeforeTheFirst() throws Exception {
    assertMentions(rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
        new byte[12]), "gap of 4 bytes between 'a'", "'b'", "back to back");
    assertMentions(rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
        "gap of 4 bytes between the start of the data section");
  }

  @Test
  void acceptsTensorsListedOutOfOffsetOrderButKeepsHeaderOrder() throws Exception {
    Path path = RawSafetensors.write(dir.resolve("order.safetensors"),
        "{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
            + "\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        RawSafetensors.floatsLe(1f, 2f));
    SafetensorsFile file = SafetensorsFile.read(path);
    assertEquals(List.of("second", "first"), new ArrayList<>(file.names()));
    assertEquals(2f, file.floats("second")[0]);
    assertEquals(1f, file.floats("first")[0]);
  }

  @Test
  void rejectsTruncatedFileNamingTheMissingBytes() throws Exception {
    SafetensorsFormatException e = rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[10]);
    assertMentions(e, "truncated", "up to byte 16", "only 10 bytes", "6 bytes missing");
  }

  @Test
  void rejectsTrailingBytesAfterTheLastTensor() throws Exception {
    SafetensorsFormatException e = rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[7]);
    assertMentions(e, "3 bytes of unexpected trailing data", "tensors end at 4");
  }

  @Test
  void rejectsUnknownEntryFields() throws Exception {
    assertMentions(rejects(
        "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"offset\":0}}",
        new byte[1]), "unknown field 'offset'");
  }
}
