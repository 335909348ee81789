package org.medlora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.testing.ReferenceFixture.output;
import static org.medlora.testing.TensorAssert.assertClose;
import static org.medlora.testing.VersionAssert.assertKeeps;
import static org.medlora.testing.VersionAssert.flipOneBit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.testing.FixtureHeads;
import org.medlora.testing.FixtureLora;
import org.medlora.testing.ReferenceFixture;

/** {@code bin/medlora export} then {@code predict}, end to end on fixture A. */
class ExportAndPredictCommandTest {

  @TempDir Path dir;

  private final CliRunner cli = new CliRunner();
  private Path store;
  private Path head;

  @BeforeEach
  void writeFixtureHead() throws Exception {
    store = dir.resolve("store");
    head = FixtureHeads.writeSegmenter(dir.resolve("seg-head.safetensors"), List.of("background", "benign", "malignant"));
  }

  private String ckpt() {
    return ReferenceFixture.file("weights_meta.safetensors").toString();
  }

  @Test
  void exportsAVerifiedSegmenterAndPredictsAFullResolutionMask() throws Exception {
    assertEquals(0, cli.run("export", "--checkpoint", ckpt(), "--head", head.toString(), "--size", "224x224",
        "--store", store.toString(), "--task", "busi-tumours"), cli.err());
    Path version = store.resolve("busi-tumours/1");
    ModelManifest manifest = ManifestCodec.fromJson(Files.readString(version.resolve("manifest.json")));
    assertEquals(List.of("background", "benign", "malignant"), manifest.classNames());
    assertEquals(MethodKind.LINEAR, manifest.method().kind());
    assertNull(manifest.training(), "exported by hand, not for a training request");
    assertTrue(manifest.verification().maxAbsDiff() <= 1e-4);
    assertTrue(Files.exists(store.resolve("busi-tumours/config.pbtxt")));

    Path out = dir.resolve("pred.safetensors");
    assertEquals(0, cli.run("predict", "--model", version.toString(), "--image",
        ReferenceFixture.file("image.png").toString(), "--out", out.toString()), cli.err());
    assertClose(output("png.heads.seg_logits").data(), SafetensorsFile.read(out).floats("logits"), 1e-4, "logits");
    DecodedImage mask = ImageDecoder.decode(dir.resolve("pred.mask.png"), ImageLimits.DEFAULT);
    assertEquals(240, mask.height(), "mask at the image's own height");
    assertEquals(300, mask.width(), "mask at the image's own width");
  }

  @Test
  void anInt8ExportIsCheckedOnHeldOutImagesAndRecordsTheFigures() throws Exception {
    Path busi = SyntheticDatasets.write(SyntheticDatasets.Kind.BREAST_ULTRASOUND,
        new SyntheticDatasets.Options(6, 9, 128, false), dir.resolve("held-out")).root();
    assertEquals(2, cli.run("export", "--checkpoint", ckpt(), "--head", head.toString(), "--size", "224x224",
        "--store", store.toString(), "--task", "busi-int8", "--precision", "int8"));
    assertTrue(cli.err().contains("--precision int8 needs --held-out DIR"), cli.err());

    assertEquals(0, cli.run("export", "--checkpoint", ckpt(), "--head", head.toString(), "--size", "224x224",
        "--store", store.toString(), "--task", "busi-int8", "--precision", "int8", "--held-out", busi.toString(),
        "--held-out-layout", "busi"), cli.err());
    assertTrue(cli.out().contains("int8 against fp32 on 6 given images: mask Dice 0.9"), cli.out());
    ModelManifest manifest = ManifestCodec.fromJson(Files.readString(store.resolve("busi-int8/1/manifest.json")));
    assertEquals("int8", manifest.precision());
    var check = manifest.verification().quantization();
    assertEquals(6, check.images());
    assertTrue(check.diceVsFp32() >= 0.98, check.toString());
  }

  @Test
  void exportsLoraFeaturesThatMatchTheReference() throws Exception {
    Path adapter = dir.resolve("adapter");
    FixtureLora.adapter().write(adapter);
    assertEquals(0, cli.run("export", "--checkpoint", ckpt(), "--adapter", adapter.toString(), "--size", "224x224",
        "--store", store.toString(), "--task", "features"), cli.err());
    ModelManifest manifest = ManifestCodec.fromJson(Files.readString(store.resolve("features/1/manifest.json")));
    assertEquals(3, manifest.method().loraRank());
    assertEquals(MethodKind.LORA, manifest.method().kind());
    Path out = dir.resolve("f.safetensors");
    assertEquals(0, cli.run("predict", "--model", store.resolve("features/1").toString(), "--tensors",
        ReferenceFixture.file("inputs.safetensors").toString(), "--out", out.toString()), cli.err());
    assertClose(output("lora.x_norm_patchtokens").data(), SafetensorsFile.read(out).floats("x_norm_patchtokens"),
        1e-4, "lora patches");
  }

  /** {@code busi/1}: the fixture's LoRA and segmentation head at 224x224, as exported by hand. */
  private PublishedModel exportLoraSegmenter() throws Exception {
    Path adapter = dir.resolve("adapter");
    FixtureLora.adapter().write(adapter);
    assertEquals(0, cli.run("export", "--checkpoint", ckpt(), "--adapter", adapter.toString(), "--head",
        head.toString(), "--size", "224x224", "--store", store.toString(), "--task", "busi"), cli.err());
    return new ModelStore(store).open("busi", 1);
  }

  @Test
  void exportsAPublishedVersionAgainFromItsFolderAtAnotherSizeInFp16() throws Exception {
    PublishedModel v1 = exportLoraSegmenter();
    assertKeeps(v1, "adapter/adapter_config.json", "adapter/adapter_model.safetensors", "head.safetensors");
    assertEquals(0, cli.run("export", "--from", v1.directory().toString(), "--checkpoint", ckpt(), "--size",
        "112x112", "--fp16", "--store", store.toString(), "--task", "busi-small"), cli.err());
    ModelManifest small = new ModelStore(store).open("busi-small", 1).manifest();
    assertEquals("fp16", small.precision());
    assertEquals(112, small.preprocessing().height());
    assertEquals(v1.manifest().method(), small.method());
    assertEquals(v1.manifest().artifacts(), small.artifacts(), "it keeps the very same parts");
  }

  @Test
  void refusesToExportAVersionWhosePartsChangedOrFromAnotherCheckpoint() throws Exception {
    PublishedModel v1 = exportLoraSegmenter();
    String hf = ReferenceFixture.file("weights_hf.safetensors").toString();
    assertEquals(1, cli.run("export", "--from", v1.directory().toString(), "--checkpoint", hf, "--size", "224x224",
        "--store", store.toString(), "--task", "again"));
    assertTrue(cli.err().contains("was trained from weights_meta.safetensors with sha256 "), cli.err());
    assertTrue(cli.err().contains("(backbone.checkpoint-sha256 in its manifest.json); pass that checkpoint"),
        cli.err());

    Path adapterWeights = v1.directory().resolve("adapter/adapter_model.safetensors");
    flipOneBit(adapterWeights);
    assertEquals(1, cli.run("export", "--from", v1.directory().toString(), "--checkpoint", ckpt(), "--size",
        "224x224", "--store", store.toString(), "--task", "again"));
    assertTrue(cli.err().contains("medlora: " + adapterWeights + ": expected sha256 "), cli.err());
    assertTrue(cli.err().contains(" (from manifest.json), found sha256 "), cli.err());
    assertEquals(List.of(1), new ModelStore(store).versions("busi"));
    assertEquals(List.of(), new ModelStore(store).versions("again"), "nothing published");
  }

  @Test
  void fromTakesNoAdapterHeadOrDecoderOfItsOwn() throws Exception {
    int code = cli.run("export", "--from", store.resolve("busi/1").toString(), "--checkpoint", ckpt(), "--head",
        head.toString(), "--size", "224x224", "--store", store.toString(), "--task", "again");
    assertEquals(2, code);
    assertTrue(cli.err().contains("--from exports the version's own adapter, head and decoder; leave out "
        + "--adapter, --head and --decoder"), cli.err());
  }

  @Test
  void refusesToRunAModelWhoseBytesChanged() throws Exception {
    assertEquals(0, cli.run("export", "--checkpoint", ckpt(), "--head", head.toString(), "--size", "224x224",
        "--store", store.toString(), "--task", "lungs"), cli.err());
    Path model = store.resolve("lungs/1/model.onnx");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Files.write(model, bytes);
    int code = cli.run("predict", "--model", store.resolve("lungs/1").toString(), "--tensors",
        ReferenceFixture.file("inputs.safetensors").toString(), "--out", dir.resolve("x").toString());
    assertEquals(1, code);
    assertTrue(cli.err().contains("sha256") || cli.err().contains("SHA-256"), cli.err());
  }
}
