package org.medlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoraConfigTest {

  @Test
  void scalingIsAlphaOverRankInFloatingPoint() {
    // The seed code's integer alpha // r gave 0 for alpha 15, r 10; this must be 1.5.
    assertEquals(1.5f, LoraConfig.queryValue(10, 15f).scaling());
    assertEquals(5f, LoraConfig.queryValue(3, 15f).scaling());
  }

  @Test
  void rankStabilizedScalingIsAlphaOverSqrtRank() {
    LoraConfig rs = new LoraConfig(16, 8f, Set.of(LoraTarget.Q), true);
    assertEquals(2f, rs.scaling(), 1e-7);
  }

  @Test
  void rejectsNonPositiveRankAndEmptyTargets() {
    var rank = assertThrows(IllegalArgumentException.class, () -> LoraConfig.queryValue(0, 1f));
    assertTrue(rank.getMessage().contains("rank"), rank.getMessage());
    var targets =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LoraConfig(4, 4f, EnumSet.noneOf(LoraTarget.class), false));
    assertTrue(targets.getMessage().contains("target"), targets.getMessage());
  }

  @Test
  void targetsParseFromOurNamesAndPeftModuleNames() {
    assertEquals(LoraTarget.Q, LoraTarget.parse("query"));
    assertEquals(LoraTarget.V, LoraTarget.parse("v"));
    assertEquals(LoraTarget.PROJ, LoraTarget.parse("dense"));
    assertEquals(LoraTarget.FC2, LoraTarget.parse("FC2"));
    var e = assertThrows(IllegalArgumentException.class, () -> LoraTarget.parse("gate_proj"));
    assertTrue(e.getMessage().contains("gate_proj"), e.getMessage());
  }
}
