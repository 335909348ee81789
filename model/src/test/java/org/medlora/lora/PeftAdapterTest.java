package org.medlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.LoraTarget;
import org.medlora.safetensors.FloatTensor;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.safetensors.SafetensorsWriter;
import org.medlora.testing.FixtureLora;

class PeftAdapterTest {

  @TempDir Path dir;

  @Test
  void writesPeftKeyNamesAndConfigFields() throws IOException {
    FixtureLora.adapter().write(dir);
    SafetensorsFile weights = SafetensorsFile.read(dir.resolve(PeftAdapter.WEIGHTS_FILE));
    assertEquals(
        List.of(
            "base_model.model.encoder.layer.0.attention.attention.query.lora_A.weight",
            "base_model.model.encoder.layer.0.attention.attention.query.lora_B.weight",
            "base_model.model.encoder.layer.0.attention.attention.value.lora_A.weight",
            "base_model.model.encoder.layer.0.attention.attention.value.lora_B.weight",
            "base_model.model.encoder.layer.1.attention.attention.query.lora_A.weight",
            "base_model.model.encoder.layer.1.attention.attention.query.lora_B.weight",
            "base_model.model.encoder.layer.1.attention.attention.value.lora_A.weight",
            "base_model.model.encoder.layer.1.attention.attention.value.lora_B.weight"),
        List.copyOf(weights.names()));
    String config = Files.readString(dir.resolve(PeftAdapter.CONFIG_FILE));
    for (String field : List.of("\"r\" : 3", "\"lora_alpha\" : 3.0", "\"query\"", "\"value\"", "\"use_rslora\" : false")) {
      assertTrue(config.contains(field), "adapter_config.json lacks " + field + ":\n" + config);
    }
  }

  @Test
  void roundTripsFactorsBitForBit() throws IOException {
    PeftAdapter original = FixtureLora.adapter();
    original.write(dir);
    PeftAdapter read = PeftAdapter.read(dir);
    assertEquals(original.config(), read.config());
    assertEquals(original.factors(), read.factors());
  }

  @Test
  void acceptsTheDinov2PrefixOfPeftClassificationModels() throws IOException {
    Files.writeString(
        dir.resolve(PeftAdapter.CONFIG_FILE),
        "{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":4,\"target_modules\":[\"query\"]}");
    new SafetensorsWriter()
        .putFloats("base_model.model.dinov2.encoder.layer.0.attention.attention.query.lora_A.weight", new long[] {2, 4}, new float[8])
        .putFloats("base_model.model.dinov2.encoder.layer.0.attention.attention.query.lora_B.weight", new long[] {4, 2}, new float[8])
        .write(dir.resolve(PeftAdapter.WEIGHTS_FILE));
    PeftAdapter read = PeftAdapter.read(dir);
    assertEquals(2f, read.config().scaling());
    assertEquals(new FloatTensor(new long[] {2, 4}, new float[8]), read.factors().get(new LoraSite(0, LoraTarget.Q)).down());
  }

  @Test
  void refusesTensorsForModulesTheConfigDoesNotTarget() throws IOException {
    FixtureLora.adapter().write(dir);
    Files.writeString(
        dir.resolve(PeftAdapter.CONFIG_FILE),
        "{\"peft_type\":\"LORA\",\"r\":3,\"lora_alpha\":3,\"target_modules\":[\"query\"]}");
    IOException e = assertThrows(IOException.class, () -> PeftAdapter.read(dir));
    assertTrue(e.getMessage().contains("target_modules"), e.getMessage());
  }

  @Test
  void refusesARankThatDisagreesWithTheConfig() throws IOException {
    FixtureLora.adapter().write(dir);
    Files.writeString(
        dir.resolve(PeftAdapter.CONFIG_FILE),
        "{\"peft_type\":\"LORA\",\"r\":8,\"lora_alpha\":8,\"target_modules\":[\"query\",\"value\"]}");
    IOException e = assertThrows(IOException.class, () -> PeftAdapter.read(dir));
    assertTrue(e.getMessage().contains("rank 3"), e.getMessage());
  }

  @Test
  void namesWhatIsMissingFromAFolderThatIsNotAnAdapter() {
    IOException e = assertThrows(IOException.class, () -> PeftAdapter.read(dir));
    assertTrue(e.getMessage().contains(PeftAdapter.CONFIG_FILE), e.getMessage());
  }
}
