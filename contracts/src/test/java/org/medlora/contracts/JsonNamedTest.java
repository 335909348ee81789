package org.medlora.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The closed sets of the contract and their JSON spellings. */
class JsonNamedTest {

  /** Every closed set, with the spellings requests and manifests have always used. */
  private static final Map<Class<? extends Enum<?>>, List<String>> SPELLINGS = Map.of(
      ModelKind.class, List.of("features", "classification", "segmentation"),
      DatasetLayout.class, List.of("kermany", "busi", "image-mask-folders"),
      MethodKind.class, List.of("linear", "lora", "full", "none"),
      Pooling.class, List.of("cls", "cls-and-mean-patch"),
      OptimizerKind.class, List.of("adamw", "adam", "sgd"),
      Schedule.class, List.of("constant", "cosine", "linear"),
      LoraTarget.class, List.of("q", "k", "v", "proj", "fc1", "fc2"),
      ExportPrecision.class, List.of("fp32", "fp16", "int8"));

  @Test
  void everyConstantIsWrittenAsItsJsonNameAndReadBack() throws JsonProcessingException {
    for (Map.Entry<Class<? extends Enum<?>>, List<String>> set : SPELLINGS.entrySet()) {
      Enum<?>[] constants = set.getKey().getEnumConstants();
      assertEquals(set.getValue().size(), constants.length, set.getKey().getSimpleName());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < constants.length; i++) {
        JsonNamed c = (JsonNamed) constants[i];
        assertEquals(set.getValue().get(i), c.jsonName());
        assertEquals("\"" + c.jsonName() + "\"", JsonTree.MAPPER.writeValueAsString(c));
        assertEquals(c, read(set.getKey(), c.jsonName()));
        seen.add(c.jsonName());
      }
      assertEquals(constants.length, seen.size(), set.getKey().getSimpleName());
    }
  }

  /** jsonName() reads each constant's annotation by reflection, which a native image must allow. */
  @Test
  void nativeImagesMayReadTheSpellings() throws IOException {
    String config;
    try (InputStream in = JsonNamedTest.class.getResourceAsStream(
        "/META-INF/native-image/org.medlora/medlora-contracts/reflect-config.json")) {
      config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (Class<?> type : SPELLINGS.keySet()) {
      assertTrue(config.contains("\"" + type.getName() + "\""), type.getName() + " registered for reflection");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object read(Class type, String name) {
    return JsonNamed.fromJsonName(type, name);
  }

  @Test
  void anUnknownNameIsRefusedListingTheAcceptedOnes() {
    assertEquals("Pooling must be one of [cls, cls-and-mean-patch], got \"avg\"",
        assertThrows(IllegalArgumentException.class,
            () -> JsonNamed.fromJsonName(Pooling.class, "avg")).getMessage());
    // Spellings are exact: no case folding, no Java constant names.
    assertEquals("DatasetLayout must be one of [kermany, busi, image-mask-folders], got "
            + "\"IMAGE_MASK_FOLDERS\"",
        assertThrows(IllegalArgumentException.class,
            () -> JsonNamed.fromJsonName(DatasetLayout.class, "IMAGE_MASK_FOLDERS"))
            .getMessage());
    assertEquals("LoraTarget must be one of [q, k, v, proj, fc1, fc2], got null",
        assertThrows(IllegalArgumentException.class,
            () -> JsonNamed.fromJsonName(LoraTarget.class, null)).getMessage());
  }

  @Test
  void messagesQuoteTheJsonNameExceptForTheModelKind() {
    assertEquals("image-mask-folders", DatasetLayout.IMAGE_MASK_FOLDERS.toString());
    assertEquals("[q, v]", List.of(LoraTarget.Q, LoraTarget.V).toString());
    assertEquals("SEGMENTATION", ModelKind.SEGMENTATION.toString());
  }
}
