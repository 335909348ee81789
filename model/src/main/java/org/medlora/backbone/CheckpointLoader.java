package org.medlora.backbone;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medlora.safetensors.DType;
import org.medlora.safetensors.FloatTensor;
import org.medlora.safetensors.SafetensorsFile;

/**
 * Turns a safetensors file into a {@link DinoV2Checkpoint}: normalises names to Meta, checks that
 * exactly the expected tensors are there with exactly the expected shapes, and infers the
 * architecture from those shapes rather than trusting a model name.
 */
final class CheckpointLoader {
  private static final String HF_CLASSIFIER_PREFIX = "dinov2.";
  private static final String HEAD_PREFIX = "classifier.";
  private static final Pattern META_BLOCK = Pattern.compile("blocks\\.(0|[1-9][0-9]*)\\.(.+)");
  private static final Pattern META_CHUNKED_BLOCK = Pattern.compile("blocks\\.\\d+\\.\\d+\\..+");
  private static final Pattern HF_BLOCK_NAME =
      Pattern.compile("encoder\\.layer\\.(0|[1-9][0-9]*)\\.(.+)");
  private static final Pattern SWIGLU =
      Pattern.compile(".*\\.mlp\\.(w12|w3|weights_in|weights_out)\\..*");

  private static final int RELEASED_HEAD_DIM = 64;
  private static final float DEFAULT_EPS = 1e-6f;
  private static final float DEFAULT_INTERPOLATE_OFFSET = 0.1f;

  /** Meta top-level names before the blocks, in state_dict order. */
  private static final List<String> META_STEM =
      List.of(
          "cls_token",
          "pos_embed",
          "register_tokens",
          "mask_token",
          "patch_embed.proj.weight",
          "patch_embed.proj.bias");

  private static final List<String> META_FINAL = List.of("norm.weight", "norm.bias");

  /** Meta names inside {@code blocks.N.}, in state_dict order. */
  private static final List<String> META_BLOCK_SUFFIXES =
      List.of(
          "norm1.weight",
          "norm1.bias",
          "attn.qkv.weight",
          "attn.qkv.bias",
          "attn.proj.weight",
          "attn.proj.bias",
          "ls1.gamma",
          "norm2.weight",
          "norm2.bias",
          "mlp.fc1.weight",
          "mlp.fc1.bias",
          "mlp.fc2.weight",
          "mlp.fc2.bias",
          "ls2.gamma");

  /** Meta top-level name to HuggingFace name. */
  private static final Map<String, String> HF_TOP = new LinkedHashMap<>();

  /** Meta block suffix to HuggingFace block suffixes; several means row blocks stacked. */
  private static final Map<String, List<String>> HF_BLOCK = new LinkedHashMap<>();

  /** HuggingFace name or block suffix back to (Meta name or suffix, row block). */
  private static final Map<String, Slot> HF_TOP_REVERSE = new LinkedHashMap<>();

  private static final Map<String, Slot> HF_BLOCK_REVERSE = new LinkedHashMap<>();

  static {
    HF_TOP.put("cls_token", "embeddings.cls_token");
    HF_TOP.put("pos_embed", "embeddings.position_embeddings");
    HF_TOP.put("register_tokens", "embeddings.register_tokens");
    HF_TOP.put("mask_token", "embeddings.mask_token");
    HF_TOP.put("patch_embed.proj.weight", "embeddings.patch_embeddings.projection.weight");
    HF_TOP.put("patch_embed.proj.bias", "embeddings.patch_embeddings.projection.bias");
    HF_TOP.put("norm.weight", "layernorm.weight");
    HF_TOP.put("norm.bias", "layernorm.bias");
    for (String suffix : META_BLOCK_SUFFIXES) {
      HF_BLOCK.put(suffix, List.of(suffix)); // norm1, norm2 and mlp keep their names
    }
    for (String kind : List.of("weight", "bias")) {
      HF_BLOCK.put(
          "attn.qkv." + kind,
          List.of(
              "attention.attention.query." + kind,
              "attention.attention.key." + kind,
              "attention.attention.value." + kind));
      HF_BLOCK.put("attn.proj." + kind, List.of("attention.output.dense." + kind));
    }
    HF_BLOCK.put("ls1.gamma", List.of("layer_scale1.lambda1"));
    HF_BLOCK.put("ls2.gamma", List.of("layer_scale2.lambda1"));
    HF_TOP.forEach((meta, hf) -> HF_TOP_REVERSE.put(hf, new Slot(meta, 0, -1)));
    HF_BLOCK.forEach(
        (meta, hfs) -> {
          for (int part = 0; part < hfs.size(); part++) {
            HF_BLOCK_REVERSE.put(hfs.get(part), new Slot(meta, part, -1));
          }
        });
  }

  private static final String EXPECTED_KEYS =
      "expected Meta keys (cls_token, pos_embed, patch_embed.proj.weight,"
          + " blocks.N.attn.qkv.weight, ...) or HuggingFace keys (embeddings.cls_token,"
          + " embeddings.position_embeddings, encoder.layer.N.attention.attention.query.weight,"
          + " ...)";

  private CheckpointLoader() {}

  /** Where a file tensor goes: a Meta name, its row block (q, k, v) and its block index. */
  private record Slot(String metaKey, int part, int block) {}

  /** A hyperparameter and where it came from, for the notes. */
  private record Sourced<T>(T value, String source) {}

  /** The architecture as read off the tensor shapes. */
  private record Shapes(int dim, int depth, int patch, int grid, int registers, int mlp) {}

  static DinoV2Checkpoint load(Path file) throws IOException {
    SafetensorsFile st = SafetensorsFile.read(file);
    List<String> notes = new ArrayList<>();

    // Normalised name (no "dinov2." prefix) to the name in the file.
    Map<String, String> inFile = new LinkedHashMap<>();
    List<String> ignored = new ArrayList<>();
    boolean prefixed = false;
    for (String name : st.names()) {
      String key = name;
      if (key.startsWith(HF_CLASSIFIER_PREFIX)) {
        key = key.substring(HF_CLASSIFIER_PREFIX.length());
        prefixed = true;
      }
      if (key.startsWith(HEAD_PREFIX)) {
        ignored.add(name);
        continue;
      }
      String clash = inFile.putIfAbsent(key, name);
      if (clash != null) {
        throw fail(file, "found both '" + clash + "' and '" + name + "', the same tensor with and"
            + " without the 'dinov2.' prefix; expected each tensor once. Re-export the model");
      }
    }
    if (prefixed) {
      notes.add("stripped the 'dinov2.' prefix of a HuggingFace classification model");
    }
    if (!ignored.isEmpty()) {
      notes.add("ignored " + ignored.size() + " classification-head tensor(s): "
          + String.join(", ", ignored));
    }
    String prefix = prefixed ? HF_CLASSIFIER_PREFIX : "";

    rejectSwiGlu(file, inFile.values(), st.metadata());
    CheckpointLayout layout = detectLayout(file, inFile);

    SortedSet<Integer> blocks = new TreeSet<>();
    List<String> unexpected = new ArrayList<>();
    for (String key : inFile.keySet()) {
      Slot slot = slot(layout, key);
      if (slot == null) {
        unexpected.add(inFile.get(key));
      } else if (slot.block() >= 0) {
        blocks.add(slot.block());
      }
    }
    if (!unexpected.isEmpty()) {
      throw unexpectedKeys(file, layout, unexpected);
    }
    int depth = checkBlockIndices(file, layout, blocks);

    String registersName = sources(layout, "register_tokens").get(0);
    List<String> metaKeys = metaKeys(depth, inFile.containsKey(registersName));
    List<String> missing = new ArrayList<>();
    for (String metaKey : metaKeys) {
      for (String source : sources(layout, metaKey)) {
        if (!inFile.containsKey(source)) {
          missing.add(prefix + source);
        }
      }
    }
    if (!missing.isEmpty()) {
      throw fail(file, "missing " + missing.size() + " tensor(s) of a " + describe(layout)
          + " DINOv2 checkpoint with " + depth + " blocks: " + firstFew(missing, 10)
          + ". The file is incomplete or from a different model; re-export the full"
          + " state_dict");
    }

    Shapes shapes = inferShapes(file, layout, st, inFile, depth);
    if (shapes.registers() == 0) {
      metaKeys.remove("register_tokens"); // a [1, 0, D] tensor carries nothing
    }
    checkShapes(file, layout, st, inFile, metaKeys, shapes);

    Sourced<Integer> heads;
    Sourced<Float> eps;
    Map<String, String> metadata = st.metadata();
    Sourced<Integer> metaHeads = metadataInt(file, metadata, "num_heads", "num_attention_heads");
    Sourced<Float> metaEps = metadataFloat(file, metadata, "eps", "layer_norm_eps");
    JsonNode config = null;
    Path configFile = file.toAbsolutePath().resolveSibling("config.json");
    if ((metaHeads == null || metaEps == null) && Files.isRegularFile(configFile)) {
      config = readConfigJson(file, configFile, shapes);
    }
    heads = resolveHeads(file, metaHeads, config, configFile, shapes.dim());
    eps = metaEps != null ? metaEps : configEps(file, config, configFile);
    if (eps == null) {
      eps = new Sourced<>(DEFAULT_EPS, "the DINOv2 default");
    }
    checkMetadataAgrees(file, metadata, shapes);
    Sourced<Float> offset = metadataFloat(file, metadata, "interpolate_offset");
    float interpolateOffset = offset == null ? DEFAULT_INTERPOLATE_OFFSET : offset.value();
    notes.add("num_heads " + heads.value() + " from " + heads.source());
    notes.add("layer_norm_eps " + eps.value() + " from " + eps.source());

    DinoV2Config dinoConfig;
    try {
      dinoConfig =
          new DinoV2Config(
              shapes.dim(), shapes.depth(), heads.value(), shapes.patch(), shapes.grid(),
              shapes.registers(), shapes.mlp(), eps.value(), interpolateOffset);
    } catch (IllegalArgumentException e) {
      throw fail(file, "the inferred architecture is invalid: " + e.getMessage(), e);
    }

    Map<DType, Integer> widened = new EnumMap<>(DType.class);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (String metaKey : metaKeys) {
      List<String> sources = sources(layout, metaKey);
      for (String source : sources) {
        DType dtype = st.info(inFile.get(source)).dtype();
        if (dtype != DType.F32) {
          widened.merge(dtype, 1, Integer::sum);
        }
      }
      tensors.put(metaKey, readFused(st, inFile, sources, expectedMeta(metaKey, shapes)));
    }
    widened.forEach((dtype, count) ->
        notes.add("converted " + count + " " + dtype + " tensor(s) to F32"));

    return new DinoV2Checkpoint(dinoConfig, layout, tensors, sha256(file), notes);
  }

  // ---- names -----------------------------------------------------------------------------------

  private static void rejectSwiGlu(Path file, Collection<String> names, Map<String, String> meta)
      throws CheckpointFormatException {
    String found = names.stream().filter(n -> SWIGLU.matcher(n).matches()).findFirst()
        .orElse(null);
    String ffn = meta.get("ffn_layer");
    if (found == null && ffn != null && ffn.toLowerCase().contains("swiglu")) {
      found = "__metadata__ ffn_layer=" + ffn;
    }
    if (found != null) {
      throw fail(file, "found " + found + ", a SwiGLU feed-forward layer as used by ViT-g/14,"
          + " which is not supported; expected an MLP block (blocks.N.mlp.fc1/fc2). Use a"
          + " ViT-S/14, ViT-B/14 or ViT-L/14 checkpoint (with or without registers)");
    }
  }

  private static CheckpointLayout detectLayout(Path file, Map<String, String> inFile)
      throws CheckpointFormatException {
    String meta = null;
    String hf = null;
    for (String key : inFile.keySet()) {
      if (meta == null && (META_STEM.contains(key) || META_FINAL.contains(key)
          || key.startsWith("blocks.") || key.startsWith("patch_embed."))) {
        meta = inFile.get(key);
      }
      if (hf == null && (key.startsWith("embeddings.") || key.startsWith("encoder.layer.")
          || key.startsWith("layernorm."))) {
        hf = inFile.get(key);
      }
    }
    if (meta != null && hf != null) {
      throw fail(file, "mixes Meta names (e.g. " + meta + ") with HuggingFace names (e.g. " + hf
          + "); expected one layout throughout. Re-export the checkpoint from one model");
    }
    if (meta == null && hf == null) {
      String found = inFile.isEmpty()
          ? "no backbone tensors at all"
          : "keys " + firstFew(new ArrayList<>(inFile.values()), 5);
      throw fail(file, "found " + found + "; " + EXPECTED_KEYS
          + ". Neither layout is recognised: is this a DINOv2 backbone checkpoint? (Head and"
          + " LoRA files are read with SafetensorsFile, not as a backbone.)");
    }
    return meta != null ? CheckpointLayout.META : CheckpointLayout.HUGGING_FACE;
  }

  /** The Meta slot of a normalised file name, or null if the layout has no such name. */
  private static Slot slot(CheckpointLayout layout, String key) {
    if (layout == CheckpointLayout.META) {
      if (META_STEM.contains(key) || META_FINAL.contains(key)) {
        return new Slot(key, 0, -1);
      }
      Matcher m = META_BLOCK.matcher(key);
      if (m.matches() && META_BLOCK_SUFFIXES.contains(m.group(2))) {
        return new Slot(key, 0, blockIndex(m.group(1)));
      }
      return null;
    }
    Slot top = HF_TOP_REVERSE.get(key);
    if (top != null) {
      return top;
    }
    Matcher m = HF_BLOCK_NAME.matcher(key);
    if (m.matches()) {
      Slot inBlock = HF_BLOCK_REVERSE.get(m.group(2));
      if (inBlock != null) {
        int block = blockIndex(m.group(1));
        return new Slot("blocks." + block + "." + inBlock.metaKey(), inBlock.part(), block);
      }
    }
    return null;
  }

  /** The normalised file names that make up one Meta tensor: one, or q, k, v for HF qkv. */
  private static List<String> sources(CheckpointLayout layout, String metaKey) {
    if (layout == CheckpointLayout.META) {
      return List.of(metaKey);
    }
    String top = HF_TOP.get(metaKey);
    if (top != null) {
      return List.of(top);
    }
    Matcher m = META_BLOCK.matcher(metaKey);
    if (!m.matches() || !HF_BLOCK.containsKey(m.group(2))) {
      throw new IllegalArgumentException("not a Meta DINOv2 key: " + metaKey);
    }
    String blockPrefix = "encoder.layer." + m.group(1) + ".";
    return HF_BLOCK.get(m.group(2)).stream().map(s -> blockPrefix + s).toList();
  }

  private static int blockIndex(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE; // absurd index: reported as non-contiguous
    }
  }

  private static CheckpointFormatException unexpectedKeys(
      Path file, CheckpointLayout layout, List<String> unexpected) {
    String first = unexpected.get(0);
    String hint;
    if (unexpected.stream().anyMatch(k -> k.toLowerCase().contains("lora"))) {
      hint = " These look like LoRA adapter tensors: load the backbone and the adapter from"
          + " separate files (adapters are read with SafetensorsFile)";
    } else if (layout == CheckpointLayout.META
        && META_CHUNKED_BLOCK.matcher(first).matches()) {
      hint = " It looks like a block-chunked training checkpoint (blocks.CHUNK.N.*): export the"
          + " backbone with block_chunks=0 so keys read blocks.N.*";
    } else if (layout == CheckpointLayout.META) {
      hint = " Expected only cls_token, pos_embed, mask_token, register_tokens,"
          + " patch_embed.proj.{weight,bias}, norm.{weight,bias} and blocks.N.{"
          + String.join(", ", META_BLOCK_SUFFIXES) + "}. Remove extra tensors (e.g. heads) and"
          + " save the backbone's state_dict alone";
    } else {
      hint = " Expected only embeddings.{cls_token, mask_token, position_embeddings,"
          + " register_tokens, patch_embeddings.projection.*}, layernorm.*, classifier.* and"
          + " encoder.layer.N.{norm1, attention.attention.{query,key,value}, attention.output"
          + ".dense, layer_scale1.lambda1, norm2, mlp.fc1, mlp.fc2, layer_scale2.lambda1}";
    }
    return fail(file, "found unexpected key(s) " + firstFew(unexpected, 5) + " in a "
        + describe(layout) + " DINOv2 checkpoint." + hint);
  }

  private static int checkBlockIndices(Path file, CheckpointLayout layout,
      SortedSet<Integer> blocks) throws CheckpointFormatException {
    String pattern = layout == CheckpointLayout.META ? "blocks.N." : "encoder.layer.N.";
    if (blocks.isEmpty()) {
      throw fail(file, "found no transformer blocks; expected keys " + pattern
          + "* for N = 0..depth-1");
    }
    int last = blocks.last();
    if (last == Integer.MAX_VALUE || blocks.size() != last + 1) {
      List<String> gaps = new ArrayList<>();
      for (int i = 0; i < last && gaps.size() < 10; i++) {
        if (!blocks.contains(i)) {
          gaps.add(String.valueOf(i));
        }
      }
      throw fail(file, "block indices " + blocks + " are not contiguous (missing "
          + String.join(", ", gaps) + "); expected " + pattern + "* for every N from 0 to "
          + "depth-1. Blocks were dropped or renumbered; re-export the full model");
    }
    return last + 1;
  }

  /** Every Meta name for this depth, in state_dict order. */
  private static List<String> metaKeys(int depth, boolean registers) {
    List<String> keys = new ArrayList<>(META_STEM);
    if (!registers) {
      keys.remove("register_tokens");
    }
    for (int i = 0; i < depth; i++) {
      for (String suffix : META_BLOCK_SUFFIXES) {
        keys.add("blocks." + i + "." + suffix);
      }
    }
    keys.addAll(META_FINAL);
    return keys;
  }

  // ---- shapes ----------------------------------------------------------------------------------

  private static Shapes inferShapes(
      Path file, CheckpointLayout layout, SafetensorsFile st, Map<String, String> inFile,
      int depth) throws IOException {
    String clsName = inFile.get(sources(layout, "cls_token").get(0));
    long[] cls = st.info(clsName).shape();
    if (cls.length != 3 || cls[0] != 1 || cls[1] != 1 || cls[2] < 1) {
      throw badShape(file, clsName, cls, "[1, 1, D] (D = embed dim)");
    }
    int dim = toInt(file, clsName, cls[2]);

    String patchName = inFile.get(sources(layout, "patch_embed.proj.weight").get(0));
    long[] patch = st.info(patchName).shape();
    if (patch.length != 4 || patch[0] != dim || patch[1] != 3 || patch[2] != patch[3]
        || patch[2] < 1) {
      throw badShape(file, patchName, patch,
          "[" + dim + ", 3, P, P]: a square P x P convolution from 3 colour channels to D=" + dim
              + " (from " + clsName + ")");
    }
    int patchSize = toInt(file, patchName, patch[2]);

    String posName = inFile.get(sources(layout, "pos_embed").get(0));
    long[] pos = st.info(posName).shape();
    if (pos.length != 3 || pos[0] != 1 || pos[2] != dim || pos[1] < 2) {
      throw badShape(file, posName, pos, "[1, 1 + G*G, " + dim + "]");
    }
    long gridCells = pos[1] - 1;
    int grid = (int) Math.round(Math.sqrt((double) gridCells));
    if ((long) grid * grid != gridCells) {
      throw fail(file, posName + " has " + pos[1] + " positions; expected 1 + G*G (the CLS"
          + " position plus a square G x G grid, e.g. 1370 = 1 + 37*37), but " + gridCells
          + " is not a square");
    }

    int registers = 0;
    String regName = inFile.get(sources(layout, "register_tokens").get(0));
    if (regName != null) {
      long[] reg = st.info(regName).shape();
      if (reg.length != 3 || reg[0] != 1 || reg[2] != dim) {
        throw badShape(file, regName, reg, "[1, R, " + dim + "] (R = number of registers)");
      }
      registers = toInt(file, regName, reg[1]);
    }

    String fc1Name = inFile.get(sources(layout, "blocks.0.mlp.fc1.weight").get(0));
    long[] fc1 = st.info(fc1Name).shape();
    if (fc1.length != 2 || fc1[1] != dim || fc1[0] < 1) {
      throw badShape(file, fc1Name, fc1, "[M, " + dim + "] (M = MLP hidden width)");
    }
    int mlp = toInt(file, fc1Name, fc1[0]);

    return new Shapes(dim, depth, patchSize, grid, registers, mlp);
  }

  /** The Meta shape of a Meta tensor under the inferred architecture. */
  private static long[] expectedMeta(String metaKey, Shapes s) {
    long d = s.dim();
    long m = s.mlp();
    switch (metaKey) {
      case "cls_token": return new long[] {1, 1, d};
      case "pos_embed": return new long[] {1, 1 + (long) s.grid() * s.grid(), d};
      case "register_tokens": return new long[] {1, s.registers(), d};
      case "mask_token": return new long[] {1, d};
      case "patch_embed.proj.weight": return new long[] {d, 3, s.patch(), s.patch()};
      default: break;
    }
    String suffix = metaKey.startsWith("blocks.")
        ? metaKey.substring(metaKey.indexOf('.', "blocks.".length()) + 1)
        : metaKey;
    return switch (suffix) {
      case "attn.qkv.weight" -> new long[] {3 * d, d};
      case "attn.qkv.bias" -> new long[] {3 * d};
      case "attn.proj.weight" -> new long[] {d, d};
      case "mlp.fc1.weight" -> new long[] {m, d};
      case "mlp.fc1.bias" -> new long[] {m};
      case "mlp.fc2.weight" -> new long[] {d, m};
      default -> new long[] {d}; // biases, LayerNorm parameters, LayerScale gammas
    };
  }

  private static void checkShapes(
      Path file, CheckpointLayout layout, SafetensorsFile st, Map<String, String> inFile,
      List<String> metaKeys, Shapes shapes) throws IOException {
    List<String> wrong = new ArrayList<>();
    for (String metaKey : metaKeys) {
      List<String> sources = sources(layout, metaKey);
      long[] expected = expectedMeta(metaKey, shapes);
      if (sources.size() > 1) {
        expected[0] /= sources.size(); // each of q, k, v holds a third of the rows
      }
      for (String source : sources) {
        String name = inFile.get(source);
        long[] seen = st.info(name).shape();
        if (!Arrays.equals(seen, expected)) {
          wrong.add(name + " has shape " + Arrays.toString(seen) + ", expected "
              + Arrays.toString(expected));
        }
      }
    }
    if (!wrong.isEmpty()) {
      throw fail(file, firstFew(wrong, 5) + ". Expected shapes follow from the architecture"
          + " read off the file: D=" + shapes.dim() + " (cls_token), P=" + shapes.patch()
          + " (patch weight), G=" + shapes.grid() + " (pos embed), R=" + shapes.registers()
          + ", M=" + shapes.mlp() + " (block 0 mlp.fc1), " + shapes.depth()
          + " blocks. The file is corrupt or mixes tensors of different models");
    }
  }

  private static FloatTensor readFused(
      SafetensorsFile st, Map<String, String> inFile, List<String> sources, long[] shape)
      throws IOException {
    if (sources.size() == 1) {
      return new FloatTensor(shape, st.floats(inFile.get(sources.get(0))));
    }
    // HF keeps q, k, v apart; Meta's qkv stacks their rows in that order.
    float[][] parts = new float[sources.size()][];
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = st.floats(inFile.get(sources.get(i)));
      total += parts[i].length;
    }
    float[] fused = new float[total];
    int at = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, fused, at, part.length);
      at += part.length;
    }
    return new FloatTensor(shape, fused);
  }

  // ---- hyperparameters that shapes cannot tell -------------------------------------------------

  private static Sourced<Integer> resolveHeads(
      Path file, Sourced<Integer> fromMetadata, JsonNode config, Path configFile, int dim)
      throws CheckpointFormatException {
    Sourced<Integer> heads = fromMetadata;
    if (heads == null && config != null && config.has("num_attention_heads")) {
      JsonNode node = config.get("num_attention_heads");
      if (!node.canConvertToInt() || !node.isIntegralNumber()) {
        throw fail(file, configFile + " has num_attention_heads " + node
            + "; expected a positive integer. Fix or remove that config.json");
      }
      heads = new Sourced<>(node.intValue(), configFile + " num_attention_heads");
    }
    if (heads == null) {
      if (dim % RELEASED_HEAD_DIM != 0) {
        throw fail(file, "cannot tell the number of attention heads: embed dim " + dim
            + " is not a multiple of 64 (the head dim of every released DINOv2), and neither"
            + " __metadata__ num_heads nor a config.json next to the file gives it. Add"
            + " \"num_heads\" to the __metadata__ or put the model's config.json beside it");
      }
      return new Sourced<>(dim / RELEASED_HEAD_DIM,
          "embed dim / 64 (default; no __metadata__ num_heads or config.json found)");
    }
    if (heads.value() < 1 || dim % heads.value() != 0) {
      throw fail(file, heads.source() + " gives " + heads.value() + " attention heads, which"
          + " does not divide embed dim " + dim + " (from cls_token); expected a divisor such"
          + " as " + Math.max(1, dim / RELEASED_HEAD_DIM) + ". Correct that value");
    }
    return heads;
  }

  private static Sourced<Float> configEps(Path file, JsonNode config, Path configFile)
      throws CheckpointFormatException {
    if (config == null || !config.has("layer_norm_eps")) {
      return null;
    }
    JsonNode node = config.get("layer_norm_eps");
    if (!node.isNumber() || !(node.floatValue() > 0f)) {
      throw fail(file, configFile + " has layer_norm_eps " + node
          + "; expected a positive number such as 1e-6. Fix or remove that config.json");
    }
    return new Sourced<>(node.floatValue(), configFile + " layer_norm_eps");
  }

  /** Reads a sibling config.json and refuses one that describes a different model. */
  private static JsonNode readConfigJson(Path file, Path configFile, Shapes shapes)
      throws CheckpointFormatException {
    JsonNode config;
    try {
      config = new ObjectMapper().readTree(configFile.toFile());
    } catch (JacksonException e) {
      throw fail(file, configFile + " (read for num_heads / layer_norm_eps) is not valid JSON: "
          + e.getOriginalMessage() + ". Fix or remove it", e);
    } catch (IOException e) {
      throw fail(file, "cannot read " + configFile + ": " + e.getMessage(), e);
    }
    if (config == null || !config.isObject()) {
      throw fail(file, configFile + " is not a JSON object; expected a HuggingFace"
          + " Dinov2Config. Fix or remove it");
    }
    checkAgrees(file, configFile + " says", "hidden_size", config.path("hidden_size"),
        shapes.dim(), "embed dim");
    checkAgrees(file, configFile + " says", "num_hidden_layers",
        config.path("num_hidden_layers"), shapes.depth(), "block count");
    checkAgrees(file, configFile + " says", "patch_size", config.path("patch_size"),
        shapes.patch(), "patch size");
    checkAgrees(file, configFile + " says", "num_register_tokens",
        config.path("num_register_tokens"), shapes.registers(), "register count");
    return config;
  }

  private static void checkMetadataAgrees(Path file, Map<String, String> metadata, Shapes s)
      throws CheckpointFormatException {
    String[][] checks = {
      {"embed_dim", String.valueOf(s.dim()), "embed dim"},
      {"depth", String.valueOf(s.depth()), "block count"},
      {"patch_size", String.valueOf(s.patch()), "patch size"},
      {"num_register_tokens", String.valueOf(s.registers()), "register count"},
    };
    for (String[] check : checks) {
      String value = metadata.get(check[0]);
      if (value != null && value.trim().matches("[0-9]+") && !value.trim().equals(check[1])) {
        throw fail(file, "__metadata__ " + check[0] + " is " + value + " but the tensors have "
            + check[2] + " " + check[1] + "; the metadata belongs to a different model. Fix the"
            + " metadata or the tensors");
      }
    }
  }

  private static void checkAgrees(Path file, String who, String field, JsonNode node,
      int inferred, String what) throws CheckpointFormatException {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (!node.isIntegralNumber() || node.longValue() != inferred) {
      throw fail(file, who + " " + field + " " + node + " but the tensors have " + what + " "
          + inferred + "; that config.json belongs to a different model. Replace or remove it");
    }
  }

  private static Sourced<Integer> metadataInt(Path file, Map<String, String> metadata,
      String... keys) throws CheckpointFormatException {
    for (String key : keys) {
      String value = metadata.get(key);
      if (value != null) {
        try {
          return new Sourced<>(Integer.parseInt(value.trim()),
              "safetensors __metadata__ \"" + key + "\"");
        } catch (NumberFormatException e) {
          throw fail(file, "__metadata__ " + key + " is \"" + value
              + "\"; expected an integer such as \"6\"");
        }
      }
    }
    return null;
  }

  private static Sourced<Float> metadataFloat(Path file, Map<String, String> metadata,
      String... keys) throws CheckpointFormatException {
    for (String key : keys) {
      String value = metadata.get(key);
      if (value != null) {
        float parsed;
        try {
          parsed = Float.parseFloat(value.trim());
        } catch (NumberFormatException e) {
          parsed = Float.NaN;
        }
        if (!Float.isFinite(parsed) || parsed < 0f) {
          throw fail(file, "__metadata__ " + key + " is \"" + value
              + "\"; expected a non-negative number such as \"1e-06\"");
        }
        return new Sourced<>(parsed, "safetensors __metadata__ \"" + key + "\"");
      }
    }
    return null;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Lowercase hex SHA-256 of the file, streamed: checkpoints exceed a gigabyte. */
  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        digest.update(buffer);
        buffer.clear();
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static int toInt(Path file, String name, long value) throws CheckpointFormatException {
    if (value > Integer.MAX_VALUE) {
      throw fail(file, name + " has a dimension of " + value + ", far beyond any DINOv2 model");
    }
    return (int) value;
  }

  private static CheckpointFormatException badShape(Path file, String name, long[] seen,
      String expected) {
    return fail(file, name + " has shape " + Arrays.toString(seen) + "; expected " + expected);
  }

  private static String describe(CheckpointLayout layout) {
    return layout == CheckpointLayout.META ? "Meta-layout" : "HuggingFace-layout";
  }

  private static String firstFew(List<String> items, int limit) {
    String shown = String.join(", ", items.subList(0, Math.min(limit, items.size())));
    return items.size() > limit ? shown + " and " + (items.size() - limit) + " more" : shown;
  }

  private static CheckpointFormatException fail(Path file, String problem) {
    return new CheckpointFormatException(file + ": " + problem);
  }

  private static CheckpointFormatException fail(Path file, String problem, Throwable cause) {
    return new CheckpointFormatException(file + ": " + problem, cause);
  }
}
