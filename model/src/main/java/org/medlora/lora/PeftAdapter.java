package org.medlora.lora;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medlora.contracts.LoraTarget;
import org.medlora.safetensors.FloatTensor;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.safetensors.SafetensorsWriter;

/**
 * A LoRA adapter in HuggingFace PEFT's on-disk format, so adapters trained with PEFT on
 * {@code Dinov2Model} load here and ours load there: a folder with {@code adapter_config.json}
 * ({@code r}, {@code lora_alpha}, {@code target_modules}, {@code use_rslora}) and
 * {@code adapter_model.safetensors} with keys such as
 * {@code base_model.model.encoder.layer.0.attention.attention.query.lora_A.weight} (A, (r, in))
 * and {@code ...lora_B.weight} (B, (out, r)). PEFT writes a {@code dinov2.} segment after
 * {@code base_model.model.} for classification models; it is accepted on reading.
 */
public record PeftAdapter(LoraConfig config, Map<LoraSite, LoraFactors> factors) {

  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  private static final Pattern KEY =
      Pattern.compile(
          "base_model\\.model\\.(?:dinov2\\.)?(encoder\\.layer\\.(\\d+)\\.[a-z0-9_.]+?)"
              + "\\.lora_([AB])\\.weight");
  private static final ObjectMapper JSON = new ObjectMapper();

  public PeftAdapter {
    factors = Map.copyOf(factors);
  }

  /** Snapshot of a backbone's adapters (their current values, copied off the device). */
  public static PeftAdapter of(LoraConfig config, Map<LoraSite, LoraAdapterBlock> adapters) {
    Map<LoraSite, LoraFactors> f = new LinkedHashMap<>();
    for (var e : adapters.entrySet()) {
      f.put(e.getKey(), new LoraFactors(copy(e.getValue().down()), copy(e.getValue().up())));
    }
    return new PeftAdapter(config, f);
  }

  private static FloatTensor copy(Parameter p) {
    return new FloatTensor(p.getShape().getShape(), p.getArray().toFloatArray());
  }

  /** Reads a PEFT adapter folder, checking that config and tensors agree. */
  public static PeftAdapter read(Path dir) throws IOException {
    Path configFile = dir.resolve(CONFIG_FILE);
    Path weightsFile = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
      throw new IOException(
          dir + " is not a PEFT adapter folder: it needs " + CONFIG_FILE + " and " + WEIGHTS_FILE);
    }
    LoraConfig config = readConfig(configFile);
    SafetensorsFile file = SafetensorsFile.read(weightsFile);
    Map<LoraSite, FloatTensor[]> pairs = new TreeMap<>(PeftAdapter::compareSites);
    for (String key : file.names()) {
      Matcher m = KEY.matcher(key);
      LoraSite site = m.matches() ? siteOf(m.group(1), Integer.parseInt(m.group(2))) : null;
      if (site == null) {
        throw new IOException(
            "unexpected tensor '" + key + "' in " + weightsFile + "; expected keys like "
                + "base_model.model.encoder.layer.0.attention.attention.query.lora_A.weight");
      }
      if (!config.targets().contains(site.target())) {
        throw new IOException(
            "tensor '" + key + "' adapts " + site.target() + ", which " + configFile
                + " does not list in target_modules " + config.targets());
      }
      FloatTensor[] pair = pairs.computeIfAbsent(site, s -> new FloatTensor[2]);
      pair["A".equals(m.group(3)) ? 0 : 1] = file.floatTensor(key);
    }
    Map<LoraSite, LoraFactors> factors = new LinkedHashMap<>();
    for (var e : pairs.entrySet()) {
      FloatTensor a = e.getValue()[0];
      FloatTensor b = e.getValue()[1];
      if (a == null || b == null) {
        throw new IOException(e.getKey() + " has only one of lora_A and lora_B in " + weightsFile);
      }
      if (a.shape()[0] != config.rank() || b.shape()[1] != config.rank()) {
        throw new IOException(
            e.getKey() + " has rank " + a.shape()[0] + " but " + configFile + " says r = "
                + config.rank());
      }
      factors.put(e.getKey(), new LoraFactors(a, b));
    }
    if (factors.isEmpty()) {
      throw new IOException(weightsFile + " holds no LoRA tensors");
    }
    return new PeftAdapter(config, factors);
  }

  /** Writes {@code adapter_config.json} and {@code adapter_model.safetensors} into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectNode json = JSON.createObjectNode();
    json.put("peft_type", "LORA");
    json.put("r", config.rank());
    json.put("lora_alpha", config.alpha());
    json.put("use_rslora", config.rsLora());
    var modules = json.putArray("target_modules");
    config.targets().stream().sorted().forEach(t -> modules.add(moduleName(t)));
    json.put("lora_dropout", 0.0);
    json.put("bias", "none");
    json.put("fan_in_fan_out", false);
    json.put("inference_mode", true);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG_FILE).toFile(), json);

    SafetensorsWriter writer = new SafetensorsWriter();
    factors.entrySet().stream()
        .sorted((x, y) -> compareSites(x.getKey(), y.getKey()))
        .forEach(
            e -> {
              String prefix = "base_model.model." + e.getKey().huggingFaceModule();
              writer.putFloats(prefix + ".lora_A.weight", e.getValue().down().shape(), e.getValue().down().data());
              writer.putFloats(prefix + ".lora_B.weight", e.getValue().up().shape(), e.getValue().up().data());
            });
    writer.putMetadata("format", "pt");
    writer.write(dir.resolve(WEIGHTS_FILE));
  }

  private static LoraConfig readConfig(Path file) throws IOException {
    JsonNode json = JSON.readTree(file.toFile());
    String type = json.path("peft_type").asText("LORA");
    if (!"LORA".equals(type)) {
      throw new IOException(file + " describes a " + type + " adapter; only LORA is supported");
    }
    for (String field : List.of("rank_pattern", "alpha_pattern")) {
      if (json.path(field).size() > 0) {
        throw new IOException(
            file + " sets " + field + " (per-layer ranks or alphas), which is not supported");
      }
    }
    if (!json.hasNonNull("r") || !json.hasNonNull("lora_alpha") || !json.hasNonNull("target_modules")) {
      throw new IOException(file + " must give r, lora_alpha and target_modules");
    }
    return new LoraConfig(
        json.get("r").asInt(),
        (float) json.get("lora_alpha").asDouble(),
        targets(json.get("target_modules"), file),
        json.path("use_rslora").asBoolean(false));
  }

  /** PEFT's target_modules: a list of module-name suffixes, or one regex over module paths. */
  private static Set<LoraTarget> targets(JsonNode node, Path file) throws IOException {
    Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
    if (node.isArray()) {
      List<String> unknown = new ArrayList<>();
      for (JsonNode n : node) {
        try {
          targets.add(target(n.asText()));
        } catch (IllegalArgumentException e) {
          unknown.add(n.asText());
        }
      }
      if (!unknown.isEmpty()) {
        throw new IOException(
            file + " targets modules " + unknown + " that DINOv2 does not have; supported: "
                + "query, key, value, dense, fc1, fc2");
      }
    } else {
      Pattern regex = Pattern.compile(node.asText());
      for (LoraTarget t : LoraTarget.values()) {
        String module = new LoraSite(0, t).huggingFaceModule();
        if (regex.matcher(module).matches() || regex.matcher("dinov2." + module).matches()) {
          targets.add(t);
        }
      }
    }
    if (targets.isEmpty()) {
      throw new IOException(file + " target_modules " + node + " match no DINOv2 module");
    }
    return targets;
  }

  private static LoraSite siteOf(String modulePath, int block) {
    for (LoraTarget t : LoraTarget.values()) {
      LoraSite site = new LoraSite(block, t);
      if (site.huggingFaceModule().equals(modulePath)) {
        return site;
      }
    }
    return null;
  }

  /** The name PEFT's {@code target_modules} uses: the last segment of the module path. */
  static String moduleName(LoraTarget target) {
    String module = new LoraSite(0, target).huggingFaceModule();
    return module.substring(module.lastIndexOf('.') + 1);
  }

  /** A target from PEFT's module name ({@code query}, {@code dense}) or ours ({@code q}, {@code fc1}). */
  static LoraTarget target(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (LoraTarget t : LoraTarget.values()) {
      if (t.jsonName().equals(n) || moduleName(t).equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown LoRA target '" + name + "'; expected one of " + Arrays.toString(LoraTarget.values())
            + " or PEFT's query, key, value, dense, fc1, fc2");
  }

  private static int compareSites(LoraSite a, LoraSite b) {
    return a.block() != b.block()
        ? Integer.compare(a.block(), b.block())
        : a.target().compareTo(b.target());
  }
}
