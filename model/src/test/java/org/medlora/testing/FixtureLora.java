package org.medlora.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.medlora.contracts.LoraTarget;
import org.medlora.lora.LoraConfig;
import org.medlora.lora.LoraFactors;
import org.medlora.lora.LoraSite;
import org.medlora.lora.PeftAdapter;

/** Fixture A's q/v LoRA (r = 3, alpha = 3, so scaling 1) as a {@link PeftAdapter}. */
public final class FixtureLora {

  private FixtureLora() {}

  public static PeftAdapter adapter() {
    Map<LoraSite, LoraFactors> factors = new LinkedHashMap<>();
    for (int block = 0; block < 2; block++) {
      for (LoraTarget t : new LoraTarget[] {LoraTarget.Q, LoraTarget.V}) {
        String key = "blocks." + block + ".attn.qkv.lora_" + t.name().toLowerCase() + ".";
        factors.put(
            new LoraSite(block, t),
            new LoraFactors(
                ReferenceFixture.tensor("lora.safetensors", key + "A"),
                ReferenceFixture.tensor("lora.safetensors", key + "B")));
      }
    }
    return new PeftAdapter(LoraConfig.queryValue(3, 3f), factors);
  }
}
