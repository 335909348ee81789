package org.medlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.LoraTarget;

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
    assertEquals(LoraTarget.Q, PeftAdapter.target("query"));
    assertEquals(LoraTarget.V, PeftAdapter.target("v"));
    assertEquals(LoraTarget.PROJ, PeftAdapter.target("dense"));
    assertEquals(LoraTarget.FC2, PeftAdapter.target("FC2"));
    assertEquals("dense", PeftAdapter.moduleName(LoraTarget.PROJ));
    var e = assertThrows(IllegalArgumentException.class, () -> PeftAdapter.target("gate_proj"));
    assertTrue(e.getMessage().contains("gate_proj"), e.getMessage());
  }

  @Test
  void aSiteNamesItsMetaWeightAndItsHuggingFaceModule() {
    LoraSite v = new LoraSite(3, LoraTarget.V);
    assertEquals("blocks.3.attn.qkv.weight", v.baseWeightKey());
    assertEquals("encoder.layer.3.attention.attention.value", v.huggingFaceModule());
    assertEquals("blocks.3.v", v.toString());
    LoraSite fc1 = new LoraSite(0, LoraTarget.FC1);
    assertEquals("blocks.0.mlp.fc1.weight", fc1.baseWeightKey());
    assertEquals("encoder.layer.0.mlp.fc1", fc1.huggingFaceModule());
  }
}
