package org.medlora.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.backbone.CheckpointFixtures.FIXTURE_A_CONFIG;
import static org.medlora.backbone.CheckpointFixtures.fixture;
import static org.medlora.backbone.CheckpointFixtures.hfFile;
import static org.medlora.backbone.CheckpointFixtures.metaFile;
import static org.medlora.backbone.CheckpointFixtures.metadata;
import static org.medlora.backbone.CheckpointFixtures.tensors;
import static org.medlora.backbone.CheckpointFixtures.write;
import static org.medlora.backbone.CheckpointFixtures.zeros;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.safetensors.DType;
import org.medlora.safetensors.FloatTensor;
import org.medlora.safetensors.SafetensorsFormatException;

class DinoV2CheckpointTest {
  private static final int D = 64;

  @TempDir Path dir;

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }
  }

  private CheckpointFormatException rejects(Path file) {
    CheckpointFormatException e =
        assertThrows(CheckpointFormatException.class, () -> DinoV2Checkpoint.load(file));
    assertMentions(e, file.getFileName().toString());
    return e;
  }

  private static String manifestSha(String name) throws Exception {
    return new ObjectMapper().readTree(fixture("manifest.json").toFile())
        .get("files").get(name).get("sha256").textValue();
  }

  // ---- the fixture in both layouts ------------------------------------------------------------

  @Test
  void loadsMetaFixtureWithTheArchitectureInferredFromShapes() throws Exception {
    DinoV2Checkpoint checkpoint = DinoV2Checkpoint.load(metaFile());
    assertEquals(FIXTURE_A_CONFIG, checkpoint.config());
    assertEquals(CheckpointLayout.META, checkpoint.layout());
    LinkedHashMap<String, FloatTensor> raw = tensors(metaFile());
    assertEquals(new ArrayList<>(raw.keySet()), new ArrayList<>(checkpoint.tensors().keySet()));
    assertEquals(raw, checkpoint.tensors());
    assertTrue(checkpoint.notes().contains(
        "num_heads 4 from safetensors __metadata__ \"num_heads\""), checkpoint.notes().toString());
    assertTrue(checkpoint.notes().contains(
        "layer_norm_eps 1.0E-6 from safetensors __metadata__ \"eps\""));
  }

  @Test
  void loadsHuggingFaceFixtureToBitIdenticalMetaKeyedTensors() throws Exception {
    DinoV2Checkpoint meta = DinoV2Checkpoint.load(metaFile());
    DinoV2Checkpoint hf = DinoV2Checkpoint.load(hfFile());
    assertEquals(CheckpointLayout.HUGGING_FACE, hf.layout());
    assertEquals(meta.config(), hf.config());
    assertEquals(new ArrayList<>(meta.tensors().keySet()), new ArrayList<>(hf.tensors().keySet()));
    for (String name : meta.tensors().keySet()) {
      FloatTensor expected = meta.tensor(name);
      FloatTensor actual = hf.tensor(name);
      assertArrayEquals(expected.shape(), actual.shape(), name);
      for (int i = 0; i < expected.elementCount(); i++) {
        if (Float.floatToRawIntBits(expected.data()[i])
            != Float.floatToRawIntBits(actual.data()[i])) {
          throw new AssertionError(name + "[" + i + "]: " + expected.data()[i] + " vs "
              + actual.data()[i]);
        }
      }
    }
  }

  @Test
  void fusesHuggingFaceQueryKeyValueByStackingRowsInThatOrder() throws Exception {
    Map<String, FloatTensor> hfRaw = tensors(hfFile());
    DinoV2Checkpoint hf = DinoV2Checkpoint.load(hfFile());
    for (int block = 0; block < 2; block++) {
      for (String kind : List.of("weight", "bias")) {
        float[] fused = hf.tensor("blocks." + block + ".attn.qkv." + kind).data();
        int part = fused.length / 3;
        List<String> names = List.of("query", "key", "value");
        for (int p = 0; p < 3; p++) {
          float[] source = hfRaw.get("encoder.layer." + block + ".attention.attention."
              + names.get(p) + "." + kind).data();
          assertArrayEquals(source, Arrays.copyOfRange(fused, p * part, (p + 1) * part),
              "block " + block + " " + names.get(p) + " " + kind);
        }
      }
    }
    assertArrayEquals(new long[] {3 * D, D}, hf.tensor("blocks.1.attn.qkv.weight").shape());
  }

  @Test
  void recordsTheSha256OfTheFileBytesAsInTheManifest() throws Exception {
    assertEquals(manifestSha("weights_meta.safetensors"),
        DinoV2Checkpoint.load(metaFile()).sha256());
    assertEquals(manifestSha("weights_hf.safetensors"), DinoV2Checkpoint.load(hfFile()).sha256());
    assertEquals(manifestSha("weights_hf.safetensors"), DinoV2Checkpoint.fileSha256(hfFile()));
  }

  @Test
  void aBackboneWrittenAsACheckpointLoadsBackToTheSameWeightsAndShape() throws Exception {
    DinoV2Checkpoint hf = DinoV2Checkpoint.load(hfFile());
    Path written = dir.resolve("backbone.safetensors");
    try (NDManager m = NDManager.newBaseManager()) {
      DinoV2Backbone.fromCheckpoint(m, hf).writeCheckpoint(written);
    }
    DinoV2Checkpoint back = DinoV2Checkpoint.load(written);
    assertEquals(CheckpointLayout.META, back.layout());
    assertEquals(hf.config(), back.config(), "heads, eps and the interpolation offset from its metadata");
    assertEquals(hf.tensors(), back.tensors());
    assertEquals(new ArrayList<>(tensors(metaFile()).keySet()), new ArrayList<>(tensors(written).keySet()),
        "in Meta state_dict order");
  }

  // ---- reduced precision ------------------------------------------------------------------------

  @Test
  void widensAnF16CheckpointBackWithinHalfPrecision() throws Exception {
    Path f16 = write(dir.resolve("f16.safetensors"), tensors(metaFile()), metadata(metaFile()),
        DType.F16);
    DinoV2Checkpoint widened = DinoV2Checkpoint.load(f16);
    assertEquals(FIXTURE_A_CONFIG, widened.config());
    assertTrue(widened.notes().contains("converted 35 F16 tensor(s) to F32"),
        widened.notes().toString());
    assertClose(DinoV2Checkpoint.load(metaFile()), widened, 0x1p-11f, 0x1p-25f);
  }

  @Test
  void widensABf16HuggingFaceCheckpointBackWithinBfloat16Precision() throws Exception {
    Path bf16 = write(dir.resolve("bf16.safetensors"), tensors(hfFile()), metadata(hfFile()),
        DType.BF16);
    DinoV2Checkpoint widened = DinoV2Checkpoint.load(bf16);
    assertEquals(FIXTURE_A_CONFIG, widened.config());
    assertClose(DinoV2Checkpoint.load(metaFile()), widened, 0x1p-8f, 0f);
  }

  private static void assertClose(DinoV2Checkpoint exact, DinoV2Checkpoint narrowed,
      float relative, float absolute) {
    assertEquals(exact.tensors().keySet(), narrowed.tensors().keySet());
    int differing = 0;
    for (String name : exact.tensors().keySet()) {
      float[] a = exact.tensor(name).data();
      float[] b = narrowed.tensor(name).data();
      for (int i = 0; i < a.length; i++) {
        float tolerance = Math.max(Math.abs(a[i]) * relative, absolute);
        assertTrue(Math.abs(a[i] - b[i]) <= tolerance, name + "[" + i + "] " + a[i] + " vs "
            + b[i]);
        differing += a[i] != b[i] ? 1 : 0;
      }
    }
    assertTrue(differing > 0, "narrowing must have rounded something");
  }

  // ---- num_heads and eps ------------------------------------------------------------------------

  @Test
  void takesHeadsAndEpsFromASiblingConfigJsonWhenMetadataLacksThem() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"dinov2\","
        + " \"hidden_size\": 64, \"num_hidden_layers\": 2, \"patch_size\": 14,"
        + " \"num_attention_heads\": 8, \"layer_norm_eps\": 1e-5}");
    Path file = write(dir.resolve("model.safetensors"), tensors(hfFile()), Map.of());
    DinoV2Checkpoint checkpoint = DinoV2Checkpoint.load(file);
    assertEquals(8, checkpoint.config().numHeads());
    assertEquals(1e-5f, checkpoint.config().layerNormEps());
    assertTrue(checkpoint.notes().stream()
        .anyMatch(n -> n.startsWith("num_heads 8 from ") && n.contains("config.json")),
        checkpoint.notes().toString());
  }

  @Test
  void defaultsToHeadDim64AndEpsOneMillionthWithoutMetadataOrConfig() throws Exception {
    Path file = write(dir.resolve("bare.safetensors"), tensors(metaFile()), Map.of());
    DinoV2Checkpoint checkpoint = DinoV2Checkpoint.load(file);
    assertEquals(FIXTURE_A_CONFIG.withRegisterTokens(0).embedDim() / 64,
        checkpoint.config().numHeads());
    assertEquals(1e-6f, checkpoint.config().layerNormEps());
    assertTrue(checkpoint.notes().stream()
        .anyMatch(n -> n.startsWith("num_heads 1 from embed dim / 64 (default")),
        checkpoint.notes().toString());
  }

  @Test
  void rejectsASiblingConfigJsonOfAnotherModel() throws Exception {
    Files.writeString(dir.resolve("config.json"),
        "{\"hidden_size\": 768, \"num_attention_heads\": 12}");
    Path file = write(dir.resolve("model.safetensors"), tensors(hfFile()), Map.of());
    assertMentions(rejects(file), "config.json", "hidden_size 768", "embed dim 64",
        "different model");
  }

  @Test
  void rejectsHeadCountThatDoesNotDivideTheEmbedDim() throws Exception {
    Map<String, String> metadata = metadata(metaFile());
    metadata.put("num_heads", "5");
    Path file = write(dir.resolve("heads5.safetensors"), tensors(metaFile()), metadata);
    assertMentions(rejects(file), "__metadata__ \"num_heads\"", "5 attention heads",
        "embed dim 64");
  }

  @Test
  void rejectsMetadataThatDescribesAnotherModel() throws Exception {
    Map<String, String> metadata = metadata(metaFile());
    metadata.put("depth", "12");
    Path file = write(dir.resolve("depth12.safetensors"), tensors(metaFile()), metadata);
    assertMentions(rejects(file), "__metadata__ depth is 12", "block count 2");
  }

  // ---- name variants ----------------------------------------------------------------------------

  @Test
  void stripsTheDinov2PrefixAndIgnoresTheClassifierHead() throws Exception {
    Map<String, FloatTensor> prefixed = new LinkedHashMap<>();
    tensors(hfFile()).forEach((name, t) -> prefixed.put("dinov2." + name, t));
    prefixed.put("classifier.weight", zeros(10, 2 * D));
    prefixed.put("classifier.bias", zeros(10));
    Path file = write(dir.resolve("cls.safetensors"), prefixed, metadata(hfFile()));
    DinoV2Checkpoint checkpoint = DinoV2Checkpoint.load(file);
    assertEquals(CheckpointLayout.HUGGING_FACE, checkpoint.layout());
    assertEquals(DinoV2Checkpoint.load(metaFile()).tensors(), checkpoint.tensors());
    assertTrue(checkpoint.notes().contains("ignored 2 classification-head tensor(s):"
        + " classifier.weight, classifier.bias"), checkpoint.notes().toString());
  }

  @Test
  void infersRegisterTokensInEitherLayoutAndKeepsThemInStateDictOrder() throws Exception {
    FloatTensor registers = new FloatTensor(new long[] {1, 4, D}, new float[4 * D]);
    registers.data()[5] = 0.5f;
    Map<String, FloatTensor> meta = tensors(metaFile());
    meta.put("register_tokens", registers);
    Map<String, FloatTensor> hf = tensors(hfFile());
    hf.put("embeddings.register_tokens", registers);
    for (Path file : List.of(write(dir.resolve("meta_reg.safetensors"), meta, Map.of()),
        write(dir.resolve("hf_reg.safetensors"), hf, Map.of()))) {
      DinoV2Checkpoint checkpoint = DinoV2Checkpoint.load(file);
      assertEquals(4, checkpoint.config().numRegisterTokens(), file.toString());
      assertEquals(registers, checkpoint.tensor("register_tokens"));
      assertEquals(List.of("cls_token", "pos_embed", "register_tokens", "mask_token"),
          new ArrayList<>(checkpoint.tensors().keySet()).subList(0, 4));
    }
  }

  // ---- broken files -----------------------------------------------------------------------------

  @Test
  void rejectsATruncatedFileNamingTheMissingBytes() throws Exception {
    byte[] bytes = Files.readAllBytes(metaFile());
    Path file = Files.write(dir.resolve("cut.safetensors"),
        Arrays.copyOf(bytes, bytes.length - 100));
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> DinoV2Checkpoint.load(file));
    assertMentions(e, "cut.safetensors", "truncated", "100 bytes missing");
  }

  @Test
  void rejectsAGarbageHeader() throws Exception {
    byte[] garbage = "\u0010\0\0\0\0\0\0\0this is not json"
        .getBytes(StandardCharsets.ISO_8859_1);
    Path file = Files.write(dir.resolve("garbage.safetensors"), garbage);
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> DinoV2Checkpoint.load(file));
    assertMentions(e, "garbage.safetensors", "not valid JSON");
  }

  @Test
  void rejectsAMissingKeyNamingIt() throws Exception {
    Map<String, FloatTensor> meta = tensors(metaFile());
    meta.remove("blocks.1.ls2.gamma");
    assertMentions(rejects(write(dir.resolve("m.safetensors"), meta, Map.of())),
        "missing 1 tensor(s)", "blocks.1.ls2.gamma", "Meta-layout", "2 blocks");

    Map<String, FloatTensor> hf = tensors(hfFile());
    hf.remove("encoder.layer.1.attention.attention.value.bias");
    assertMentions(rejects(write(dir.resolve("h.safetensors"), hf, Map.of())),
        "encoder.layer.1.attention.attention.value.bias", "HuggingFace-layout");
  }

  @Test
  void rejectsAnUnexpectedKeyNamingIt() throws Exception {
    Map<String, FloatTensor> meta = tensors(metaFile());
    meta.put("blocks.0.attn.qkv.lora_A", zeros(3, D));
    assertMentions(rejects(write(dir.resolve("m.safetensors"), meta, Map.of())),
        "unexpected key(s) blocks.0.attn.qkv.lora_A", "LoRA adapter");

    Map<String, FloatTensor> extra = tensors(metaFile());
    extra.put("head.weight", zeros(2, D));
    assertMentions(rejects(write(dir.resolve("x.safetensors"), extra, Map.of())),
        "unexpected key(s) head.weight", "blocks.N.{norm1.weight");

    Map<String, FloatTensor> hf = tensors(hfFile());
    hf.put("pooler.dense.weight", zeros(D, D));
    assertMentions(rejects(write(dir.resolve("h.safetensors"), hf, Map.of())),
        "unexpected key(s) pooler.dense.weight", "encoder.layer.N.");
  }

  @Test
  void rejectsAWrongShapeNamingKeyShapeSeenAndExpected() throws Exception {
    Map<String, FloatTensor> meta = tensors(metaFile());
    meta.put("blocks.1.attn.qkv.weight", zeros(190, D));
    assertMentions(rejects(write(dir.resolve("m.safetensors"), meta, Map.of())),
        "blocks.1.attn.qkv.weight has shape [190, 64], expected [192, 64]", "D=64");

    Map<String, FloatTensor> hf = tensors(hfFile());
    hf.put("encoder.layer.0.attention.attention.key.weight", zeros(D, D - 1));
    assertMentions(rejects(write(dir.resolve("h.safetensors"), hf, Map.of())),
        "encoder.layer.0.attention.attention.key.weight has shape [64, 63], expected [64, 64]");
  }

  @Test
  void rejectsPositionEmbeddingsThatAreNotASquareGrid() throws Exception {
    Map<String, FloatTensor> meta = tensors(metaFile());
    meta.put("pos_embed", zeros(1, 1369, D));
    assertMentions(rejects(write(dir.resolve("pos.safetensors"), meta, Map.of())),
        "pos_embed has 1369 positions", "1 + G*G", "1368 is not a square");
  }

  @Test
  void rejectsNonContiguousBlockIndices() throws Exception {
    Map<String, FloatTensor> meta = new LinkedHashMap<>();
    tensors(metaFile()).forEach((name, t) -> meta.put(name.replace("blocks.1.", "blocks.2."), t));
    assertMentions(rejects(write(dir.resolve("gap.safetensors"), meta, Map.of())),
        "block indices [0, 2] are not contiguous (missing 1)", "blocks.N.");
  }

  @Test
  void rejectsAFileInNeitherLayoutSayingWhatWasExpected() throws Exception {
    CheckpointFormatException e = rejects(fixture("heads.safetensors"));
    assertMentions(e, "found keys head_clsavg.weight", "blocks.N.attn.qkv.weight",
        "encoder.layer.N.attention.attention.query.weight", "Neither layout");
  }

  @Test
  void rejectsAFileMixingBothLayouts() throws Exception {
    Map<String, FloatTensor> meta = tensors(metaFile());
    meta.put("embeddings.cls_token", zeros(1, 1, D));
    assertMentions(rejects(write(dir.resolve("mixed.safetensors"), meta, Map.of())),
        "mixes Meta names (e.g. cls_token) with HuggingFace names (e.g. embeddings.cls_token)");
  }

  @Test
  void rejectsSwiGluViTgInEitherLayout() throws Exception {
    Map<String, FloatTensor> meta = new LinkedHashMap<>();
    tensors(metaFile()).forEach((name, t) ->
        meta.put(name.replace("mlp.fc1", "mlp.w12").replace("mlp.fc2", "mlp.w3"), t));
    assertMentions(rejects(write(dir.resolve("g.safetensors"), meta, Map.of())),
        "found blocks.0.mlp.w12.weight", "SwiGLU", "ViT-g/14", "ViT-S/14, ViT-B/14 or ViT-L/14");

    Map<String, FloatTensor> hf = new LinkedHashMap<>();
    tensors(hfFile()).forEach((name, t) -> hf.put(
        name.replace("mlp.fc1", "mlp.weights_in").replace("mlp.fc2", "mlp.weights_out"), t));
    assertMentions(rejects(write(dir.resolve("hg.safetensors"), hf, Map.of())),
        "encoder.layer.0.mlp.weights_in.weight", "SwiGLU");
  }
}
