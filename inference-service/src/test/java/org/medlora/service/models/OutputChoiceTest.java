package org.medlora.service.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.service.testing.TestTasks.CLASSIFIER;
import static org.medlora.service.testing.TestTasks.SEGMENTER;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.ManifestDraft;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.TensorSpec;
import org.medlora.service.testing.ModelStoreResource;

/** The output the service reads is chosen from what the manifest declares, by the model's kind. */
class OutputChoiceTest {

  private static ModelManifest exported(String task) throws IOException {
    return ManifestCodec.fromJson(Files.readString(
        ModelStoreResource.templateStore().resolve(task + "/1/manifest.json")));
  }

  /** {@code m} declaring only {@code outputs}. */
  private static ModelManifest declaring(ModelManifest m, List<TensorSpec> outputs) {
    ManifestDraft d = m.draft();
    return new ManifestDraft(d.task(), d.kind(), d.classNames(), d.preprocessing(), d.inputName(),
        outputs, d.backbone(), d.method(), d.training(), d.metrics(), d.history(), d.dataset(),
        d.verification(), d.precision(), d.opset(), d.software(), d.createdAt())
        .toManifest(m.version(), m.modelSha256());
  }

  @Test
  void whatTheExportComputedIsReadBeforeTheLogits() throws Exception {
    assertEquals(OnnxNames.MASK, LoadedModel.chooseOutput(exported(SEGMENTER)));
    assertEquals(OnnxNames.PROBABILITIES, LoadedModel.chooseOutput(exported(CLASSIFIER)));
  }

  @Test
  void aModelThatDeclaresOnlyLogitsIsReadByItsLogits() throws Exception {
    for (String task : List.of(SEGMENTER, CLASSIFIER)) {
      ModelManifest m = exported(task);
      List<TensorSpec> logits =
          m.outputs().stream().filter(o -> o.name().equals(OnnxNames.LOGITS)).toList();
      assertEquals(1, logits.size(), task);
      assertEquals(OnnxNames.LOGITS, LoadedModel.chooseOutput(declaring(m, logits)), task);
    }
  }

  @Test
  void aModelWithoutAnOutputTheServiceReadsIsRefusedSayingWhy() throws Exception {
    ModelManifest m = exported(SEGMENTER);
    // A mask must hold class indices: a float "mask" is not one.
    List<TensorSpec> floatMask = List.of(new TensorSpec(OnnxNames.MASK, "float32",
        List.of(-1L, 224L, 224L)));
    String message = assertThrows(ModelLoadException.class,
        () -> LoadedModel.chooseOutput(declaring(m, floatMask))).getMessage();
    assertTrue(message.startsWith("the manifest declares none of the outputs a segmentation "
        + "model is read by (float32 probabilities or logits, uint8 mask)"), message);
  }
}
