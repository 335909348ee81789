package org.medlora.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.ManifestDraft;
import org.medlora.contracts.MethodInfo;
import org.medlora.contracts.MethodKind;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.contracts.TensorSpec;

class TritonConfigTest {

  private static final String SHA = "a".repeat(64);

  private static ModelManifest features(List<TensorSpec> outputs) {
    ManifestDraft s = Fixtures.segmentation("dino-features");
    return new ManifestDraft("dino-features", ModelKind.FEATURES, List.of(),
        PreprocessingSpec.imagenet(224, 224), OnnxNames.INPUT, outputs, s.backbone(),
        MethodInfo.of(MethodKind.NONE), null, Map.of(), List.of(), null, s.verification(), "fp16", 17,
        Map.of(), s.createdAt()).toManifest(1, SHA);
  }

  @Test
  void rendersTheExactConfigOfASegmenter() {
    String expected = """
        name: "lungs"
        platform: "onnxruntime_onnx"
        max_batch_size: 8
        input {
          name: "pixel_values"
          data_type: TYPE_FP32
          format: FORMAT_NCHW
          dims: [ 3, 448, 448 ]
        }
        output {
          name: "logits"
          data_type: TYPE_FP32
          dims: [ 2, 448, 448 ]
        }
        dynamic_batching {
          max_queue_delay_microseconds: 2000
        }
        version_policy: { latest { num_versions: 1 } }
        parameters {
          key: "medlora.kind"
          value: { string_value: "segmentation" }
        }
        parameters {
          key: "medlora.class.0"
          value: { string_value: "background" }
        }
        parameters {
          key: "medlora.class.1"
          value: { string_value: "lung" }
        }
        """;
    assertEquals(expected,
        TritonConfig.render(Fixtures.segmentation("lungs").toManifest(1, SHA)));
  }

  @Test
  void anFp16ModelStillTakesFp32PixelsAndListsEveryOutputWithoutTheBatch() {
    String config = TritonConfig.render(features(List.of(
        new TensorSpec("cls", "float16", List.of(-1L, 384L)),
        new TensorSpec("patches", "float16", List.of(-1L, 256L, 384L)))));
    assertTrue(config.contains("  data_type: TYPE_FP32\n  format: FORMAT_NCHW\n"
        + "  dims: [ 3, 224, 224 ]\n"), config);
    assertTrue(config.contains("output {\n  name: \"cls\"\n  data_type: TYPE_FP16\n"
        + "  dims: [ 384 ]\n}\noutput {\n  name: \"patches\"\n  data_type: TYPE_FP16\n"
        + "  dims: [ 256, 384 ]\n}\n"), config);
    assertFalse(config.contains("medlora.class."), config);
  }

  @Test
  void aBatchOnlyOutputIsReshapedFromOne() {
    String config = TritonConfig.render(features(List.of(
        new TensorSpec("label", "int64", List.of(-1L)))));
    assertTrue(config.contains("  data_type: TYPE_INT64\n  dims: [ 1 ]\n"
        + "  reshape: { shape: [ ] }\n"), config);
  }

  @Test
  void quotesEscapeWhatWouldEndOrBreakTheString() {
    assertEquals("\"a\\\"b\\\\c\\nd\\001é\"", TritonConfig.quote("a\"b\\c\nd\u0001é"));
  }
}
