package org.medlora.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.testing.VersionAssert.assertKeeps;
import static org.medlora.testing.VersionAssert.assertSameOutputs;
import static org.medlora.testing.VersionAssert.flipOneBit;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.MethodInfo;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.heads.HeadFiles;
import org.medlora.heads.SegmentationHead;
import org.medlora.heads.UpsamplingDecoder;
import org.medlora.lora.PeftAdapter;
import org.medlora.store.CorruptModelException;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;
import org.medlora.testing.FixtureHeads;
import org.medlora.testing.FixtureLora;
import org.medlora.testing.ReferenceFixture;

/**
 * A version keeps the parts it was exported from, and {@link ExportSources#ofVersion} exports it
 * again from its folder, checked against its manifest, on fixture A.
 */
class ExportFromVersionTest {

  private static final List<String> CLASSES = List.of("background", "benign", "malignant");

  @TempDir Path dir;

  private final Path checkpoint = ReferenceFixture.file("weights_meta.safetensors");
  private ModelStore store;
  private Path adapter;
  private Path head;
  private Path decoder;

  @BeforeEach
  void writeParts() throws Exception {
    store = new ModelStore(dir.resolve("store"));
    adapter = dir.resolve("adapter");
    FixtureLora.adapter().write(adapter);
    head = FixtureHeads.writeSegmenter(dir.resolve("seg-head.safetensors"), CLASSES);
    decoder = dir.resolve("decoder.safetensors");
    try (NDManager m = NDManager.newBaseManager()) {
      UpsamplingDecoder d = new UpsamplingDecoder(3, UpsamplingDecoder.DEFAULT_CHANNELS);
      d.initialize(m, DataType.FLOAT32, new Shape(1, 3, 224, 224), new Shape(1, 3, 16, 16));
      // Non-zero everywhere, as after training, so the decoder's path counts.
      d.getParameters().values().forEach(p -> p.getArray().set(m.randomNormal(p.getShape()).mul(0.1f).toFloatArray()));
      HeadFiles.writeDecoder(decoder, d);
    }
  }

  private PublishedModel exportFromFiles() throws Exception {
    return new ExportSources(checkpoint, adapter, head, decoder).publish("busi", 224, 224, ExportPrecision.FP32, store);
  }

  @Test
  void aVersionKeepsItsPartsAndExportsAgainFromItsFolderToTheSameModel() throws Exception {
    PublishedModel v1 = exportFromFiles();
    assertKeeps(v1, "adapter/adapter_config.json", "adapter/adapter_model.safetensors", "decoder.safetensors",
        "head.safetensors");
    assertEquals(FixtureLora.adapter(), PeftAdapter.read(v1.directory().resolve("adapter")), "the adapter, in PEFT's format");

    PublishedModel v2 = ExportSources.ofVersion(v1.directory(), checkpoint).publish("busi", 224, 224, ExportPrecision.FP32, store);
    assertEquals(2, v2.version());
    assertSameOutputs(v1, v2, ExportPrecision.FP32.tolerance());
    assertEquals(v1.manifest().method(), v2.manifest().method());
    assertEquals(v1.manifest().backbone(), v2.manifest().backbone());
    assertEquals(v1.manifest().artifacts(), v2.manifest().artifacts(), "the very same parts, traceable by digest");
  }

  @Test
  void aVersionExportsAgainAtAnotherSizeAndInFp16() throws Exception {
    PublishedModel v1 = exportFromFiles();
    PublishedModel small = ExportSources.ofVersion(v1.directory(), checkpoint)
        .publish("busi-small", 112, 168, ExportPrecision.FP16, store);
    ModelManifest m = small.manifest();
    assertEquals("fp16", m.precision());
    assertEquals(List.of(-1L, 3L, 112L, 168L), m.outputs().get(0).dims());
    assertEquals(CLASSES, m.classNames());
    assertTrue(m.verification().maxAbsDiff() <= ExportPrecision.FP16.tolerance(), m.verification().toString());
  }

  @Test
  void aPartWhoseBytesChangedIsRefusedNamingBothDigests() throws Exception {
    PublishedModel v1 = exportFromFiles();
    Path kept = v1.directory().resolve("head.safetensors");
    String recorded = v1.manifest().artifacts().stream()
        .filter(a -> a.path().equals("head.safetensors")).findFirst().orElseThrow().sha256();
    flipOneBit(kept);
    CorruptModelException e = assertThrows(CorruptModelException.class, () -> ExportSources.ofVersion(v1.directory(), checkpoint));
    assertEquals(kept, e.file());
    assertTrue(e.getMessage().startsWith(kept + ": expected sha256 " + recorded + " (from manifest.json), found sha256 "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("remove this version directory rather than repairing it"), e.getMessage());
  }

  @Test
  void aCheckpointOtherThanTheOneTheVersionWasMadeFromIsRefused() throws Exception {
    PublishedModel v1 = exportFromFiles();
    // The same weights in HuggingFace's layout: another file, so not provably what was trained on.
    Path other = ReferenceFixture.file("weights_hf.safetensors");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExportSources.ofVersion(v1.directory(), other));
    assertEquals(other + " has sha256 " + DinoV2Checkpoint.fileSha256(other) + ", but " + v1.directory()
        + " was trained from weights_meta.safetensors with sha256 " + DinoV2Checkpoint.fileSha256(checkpoint)
        + " (backbone.checkpoint-sha256 in its manifest.json); pass that checkpoint", e.getMessage());
  }

  @Test
  void aVersionPublishedBeforeVersionsKeptTheirPartsSaysHowToExportIt() throws Exception {
    PublishedModel v1 = exportFromFiles();
    // What an older medlora published: the same model and manifest, without artifacts.
    Path old = Files.createDirectories(dir.resolve("old/busi/1"));
    Files.copy(v1.modelFile(), old.resolve("model.onnx"));
    ModelManifest m = v1.manifest();
    Files.writeString(old.resolve("manifest.json"), ManifestCodec.toJson(m.draft().toManifest(1, m.modelSha256())));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExportSources.ofVersion(old, checkpoint));
    assertEquals(old + " keeps no adapter/adapter_config.json, which its segmentation model (lora) needs to be "
        + "exported again: it was published before versions kept their trained parts. Export it from the original "
        + "files (--adapter, --head, --decoder) or train it again", e.getMessage());
  }

  @Test
  void aFullyFineTunedBackboneIsKeptWholeAndExportsAgainToTheSameModel() throws Exception {
    PublishedModel v1;
    try (NDManager m = NDManager.newBaseManager()) {
      DinoV2Backbone tuned = DinoV2Backbone.fromCheckpoint(m, DinoV2Checkpoint.load(checkpoint));
      // Moved off the checkpoint, as full fine-tuning would.
      tuned.checkpointParameters().values().forEach(p -> p.getArray().muli(1.01f));
      SegmentationHead seg = HeadFiles.readHead(head).segmenter(m, 16, 16);
      ExportSpec spec = new ExportSpec("busi-full", 224, 224, CLASSES, checkpoint.getFileName().toString(),
          DinoV2Checkpoint.fileSha256(checkpoint), MethodInfo.of(MethodKind.FULL), null, Map.of(), List.of(), null,
          ExportPrecision.FP32);
      v1 = ModelPublisher.publish(Predictor.segmenter(tuned, seg, null), spec, store);
    }
    assertKeeps(v1, "backbone.safetensors", "head.safetensors");
    DinoV2Checkpoint kept = DinoV2Checkpoint.load(v1.directory().resolve("backbone.safetensors"));
    assertEquals(DinoV2Checkpoint.load(checkpoint).config(), kept.config(), "heads, eps and offset kept in its metadata");

    PublishedModel v2 = ExportSources.ofVersion(v1.directory(), checkpoint).publish("busi-full", 224, 224, ExportPrecision.FP32, store);
    assertSameOutputs(v1, v2, ExportPrecision.FP32.tolerance());
    assertEquals(MethodInfo.of(MethodKind.FULL), v2.manifest().method());
    assertEquals(v1.manifest().backbone(), v2.manifest().backbone(), "still names the base checkpoint");
  }
}
