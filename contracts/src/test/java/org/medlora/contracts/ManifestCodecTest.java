package org.medlora.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The segmentation sample as written by this build; a reader must keep reading it. */
  static String golden() throws IOException {
    try (InputStream in = ManifestCodecTest.class.getResourceAsStream("/manifest-v1.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String refusal(String json) {
    return assertThrows(IllegalArgumentException.class, () -> ManifestCodec.fromJson(json))
        .getMessage();
  }

  @Test
  void roundTripGivesAnEqualManifest() {
    for (ModelManifest m : List.of(Manifests.segmentation(), Manifests.features())) {
      assertEquals(m, ManifestCodec.fromJson(ManifestCodec.toJson(m)));
    }
  }

  @Test
  void roundTripKeepsMapOrderAndExactNumbers() {
    ModelManifest m = Manifests.segmentation();
    ModelManifest back = ManifestCodec.fromJson(ManifestCodec.toJson(m));
    // Map.equals ignores order, so compare the key sequences themselves.
    assertEquals(new ArrayList<>(m.metrics().keySet()), new ArrayList<>(back.metrics().keySet()));
    assertEquals(new ArrayList<>(m.software().keySet()), new ArrayList<>(back.software().keySet()));
    assertEquals(0.1 + 0.2, back.metrics().get("loss"), 0.0);
    assertEquals(0.406f, back.preprocessing().mean().get(2), 0f);
    assertEquals(m.createdAt(), back.createdAt());
  }

  @Test
  void theTrainingRequestIsKeptAsTheRequestMessageItself() throws IOException {
    ModelManifest m = Manifests.segmentation();
    JsonNode written = MAPPER.readTree(ManifestCodec.toJson(m));
    assertEquals(MAPPER.readTree(MessageCodec.toJson(Manifests.lungsRequest())),
        written.get("training"));
    TrainingRequest back = ManifestCodec.fromJson(ManifestCodec.toJson(m)).training();
    assertEquals(Manifests.lungsRequest(), back);
    assertEquals("lungs-001", back.requestId());
    assertEquals(Pooling.CLS, back.pooling());
  }

  @Test
  void aModelExportedByHandHasNoTrainingRequest() throws IOException {
    JsonNode written = MAPPER.readTree(ManifestCodec.toJson(Manifests.features()));
    assertTrue(written.get("training").isNull(), written.toString());
    assertNull(ManifestCodec.fromJson(ManifestCodec.toJson(Manifests.features())).training());
  }

  @Test
  void aBadValueInTheTrainingRequestIsNamedWithItsPathInTheManifest() throws IOException {
    assertEquals("invalid model manifest: field 'training.optimizer.learning-rate' must be "
            + "finite and > 0, got -1.0",
        refusal(golden().replace("\"learning-rate\": 3.0E-4", "\"learning-rate\": -1")));
    assertEquals("invalid model manifest: field 'training.pooling' must be one of [cls, "
            + "cls-and-mean-patch], got \"avg\"",
        refusal(golden().replace("\"pooling\": \"cls\"", "\"pooling\": \"avg\"")));
  }

  @Test
  void writesTheGoldenTextByteForByte() throws IOException {
    assertEquals(golden(), ManifestCodec.toJson(Manifests.segmentation()));
  }

  @Test
  void readsTheGoldenText() throws IOException {
    assertEquals(Manifests.segmentation(), ManifestCodec.fromJson(golden()));
  }

  @Test
  void refusesAnotherSchemaVersionNamingFoundAndSupported() throws IOException {
    String v2 = golden().replace("\"schema-version\": 1,", "\"schema-version\": 2,");
    String message = refusal(v2);
    assertTrue(message.startsWith("model manifest schema-version 2 is not supported: this build "
        + "reads schema-version 1 only"), message);
  }

  @Test
  void ignoresUnknownFields() throws IOException {
    String extra = golden().replace("\"task\": \"lungs\",",
        "\"task\": \"lungs\",\n  \"added-later\": {\"x\": [1, 2]},");
    assertEquals(Manifests.segmentation(), ManifestCodec.fromJson(extra));
  }

  @Test
  void missingOptionalFieldsReadAsEmptyOrNull() {
    String json = """
        {
          "schema-version": 1, "task": "dino-features", "version": 1, "kind": "features",
          "preprocessing": {"height": 224, "width": 224,
                            "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
          "input-name": "pixel_values",
          "outputs": [{"name": "x_norm_clstoken", "dtype": "float16", "dims": [-1, 384]},
                      {"name": "x_norm_patchtokens", "dtype": "float16",
                       "dims": [-1, 256, 384]}],
          "backbone": {"architecture": "dinov2-vits14", "embed-dim": 384, "depth": 12,
                       "num-heads": 6, "patch-size": 14, "register-tokens": 0,
                       "checkpoint-file": "model.safetensors",
                       "checkpoint-sha256": "%s"},
          "method": {"kind": "none"},
          "verification": {"max-abs-diff": 0, "tolerance": 0.01, "probe-batch": 1,
                           "argmax-mismatches": 0},
          "precision": "fp16", "opset": 17, "model-sha256": "%s",
          "created-at": "2025-06-01T00:00:00Z"
        }
        """.formatted(Manifests.SHA_B, Manifests.SHA_B);
    ModelManifest m = ManifestCodec.fromJson(json);
    assertEquals(Manifests.features(), m);
    assertTrue(m.classNames().isEmpty() && m.metrics().isEmpty() && m.software().isEmpty());
    assertNull(m.training());
    assertNull(m.dataset());
    assertNull(m.method().loraRank());
  }

  @Test
  void aManifestWrittenBeforeSkippedImagesWereRecordedReadsAsNoneSkipped() throws IOException {
    String older = golden().replace(",\n    \"skipped-images\": 12,\n    \"skipped-summary\": \"skipped 12 of 162 "
        + "images: 12 have no mask (e.g. CXR_png/CHNCXR_0003_0.png)\"", "");
    assertTrue(older.contains("\"validation-count\": 30\n  },"), older);
    DatasetInfo d = ManifestCodec.fromJson(older).dataset();
    assertEquals(new DatasetInfo(DatasetLayout.IMAGE_MASK_FOLDERS, Manifests.SHA_A, 120, 30), d);
    assertEquals(0, d.skippedImages());
    assertEquals("", d.skippedSummary());
  }

  @Test
  void aManifestWrittenBeforeVersionsKeptTheirPartsReadsAsKeepingNone() throws IOException {
    String golden = golden();
    String older = golden.substring(0, golden.indexOf("  \"artifacts\""))
        + golden.substring(golden.indexOf("  \"software\""));
    ModelManifest m = ManifestCodec.fromJson(older);
    assertEquals(List.of(), m.artifacts());
    assertEquals(Manifests.segmentationDraft().toManifest(3, Manifests.SHA_A), m);
  }

  @Test
  void aManifestWrittenBeforeHistoriesWereRecordedReadsAsNoEpochs() throws IOException {
    String golden = golden();
    int history = golden.indexOf("\n  \"history\"");
    String older = golden.substring(0, history) + golden.substring(golden.indexOf("\n  \"dataset\"", history));
    ModelManifest m = ManifestCodec.fromJson(older);
    assertEquals(List.of(), m.history());
    assertEquals(Manifests.segmentation().metrics(), m.metrics());
  }

  @Test
  void theHistoryKeepsEveryEpochWithItsMetricsInOrder() {
    ModelManifest back = ManifestCodec.fromJson(ManifestCodec.toJson(Manifests.segmentation()));
    assertEquals(List.of(1, 2), back.history().stream().map(EpochRecord::epoch).toList());
    assertEquals(List.of("train-loss", "val-loss", "dice"),
        new ArrayList<>(back.history().get(1).metrics().keySet()));
    assertEquals(0.9312, back.history().get(1).metrics().get("dice"), 0.0);
    assertEquals(11.75, back.history().get(1).seconds(), 0.0);
  }

  @Test
  void aBadEpochIsNamedWithItsPath() throws IOException {
    assertEquals("invalid model manifest in field 'history[1]': epoch must be >= 1, got 0",
        refusal(golden().replace("\"epoch\": 2,", "\"epoch\": 0,")));
    assertEquals("invalid model manifest: field 'history[0].metrics.dice' must be a number, got "
            + "\"high\"",
        refusal(golden().replace("\"dice\": 0.88", "\"dice\": \"high\"")));
  }

  @Test
  void aBadArtifactIsNamedWithItsPath() throws IOException {
    assertEquals("invalid model manifest in field 'artifacts[2]': path must be a relative path "
            + "inside the version directory: names of A-Z, a-z, 0-9, '.', '_' and '-' not "
            + "starting with '.', joined by '/', got \"../head.safetensors\"",
        refusal(golden().replace("\"head.safetensors\"", "\"../head.safetensors\"")));
    assertEquals("invalid model manifest: field 'artifacts[0].bytes' must be an integer, got "
            + "\"412\"",
        refusal(golden().replace("\"bytes\": 412", "\"bytes\": \"412\"")));
    assertEquals("invalid model manifest: field 'artifacts[1].sha256' is missing",
        refusal(golden().replace("\"sha256\": \"" + Manifests.SHA_B + "\",\n    \"bytes\": 74112",
            "\"bytes\": 74112")));
  }

  @Test
  void aMissingRequiredFieldIsNamedWithItsPath() throws IOException {
    String json = golden().replace("\"embed-dim\": 384,", "");
    assertEquals("invalid model manifest: field 'backbone.embed-dim' is missing", refusal(json));
  }

  @Test
  void aValueOfTheWrongTypeIsNamedWithItsPath() throws IOException {
    assertEquals("invalid model manifest: field 'backbone.embed-dim' must be an integer, got "
            + "\"384\"",
        refusal(golden().replace("\"embed-dim\": 384,", "\"embed-dim\": \"384\",")));
    assertEquals("invalid model manifest: field 'outputs[0].dims[1]' must be an integer, got 2.5",
        refusal(golden().replace("-1, 2, 448, 448", "-1, 2.5, 448, 448")));
    assertEquals("invalid model manifest: field 'created-at' must be an ISO-8601 UTC instant "
            + "such as 2025-01-31T12:00:00Z, got \"yesterday\"",
        refusal(golden().replace("2025-06-01T12:34:56.789Z", "yesterday")));
  }

  @Test
  void aValueOutOfRangeIsNamedWithItsRecord() throws IOException {
    assertEquals("invalid model manifest in field 'backbone': numHeads must divide embedDim, "
            + "got numHeads=5, embedDim=384",
        refusal(golden().replace("\"num-heads\": 6,", "\"num-heads\": 5,")));
    assertEquals("invalid model manifest: classNames must hold >= 2 classes for a "
            + "SEGMENTATION model (background first), got [lung]",
        refusal(golden().replace("\"background\", ", "")));
  }

  @Test
  void textThatIsNotJsonIsRefusedWithItsLocation() throws IOException {
    String message = refusal(golden().substring(0, 200));
    assertTrue(message.startsWith("invalid model manifest: not valid JSON at line"), message);
    assertTrue(refusal("[]").contains("expected a JSON object, got ARRAY"));
    assertTrue(refusal("").contains("expected a JSON object, got nothing"));
    assertTrue(refusal(golden() + "{}").contains("not valid JSON"));
  }

  @Test
  void duplicateKeysAreRefused() throws IOException {
    String twice = golden().replace("\"task\": \"lungs\",", "\"task\": \"lungs\", \"task\": \"x\",");
    assertTrue(refusal(twice).contains("Duplicate field 'task'"), refusal(twice));
  }
}
