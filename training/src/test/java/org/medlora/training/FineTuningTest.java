package org.medlora.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Config;
import org.medlora.contracts.MethodKind;
import org.medlora.heads.SegmentationHead;
import org.medlora.lora.LoraConfig;

class FineTuningTest {

  private static final DinoV2Config TINY = new DinoV2Config(32, 2, 2, 14, 4, 1, 64, 1e-6f, 0.1f);

  @Test
  void vitS14HasThePapersParameterCounts() {
    try (NDManager m = NDManager.newBaseManager()) {
      DinoV2Backbone full = DinoV2Backbone.builder().setConfig(DinoV2Config.vitS14()).build();
      full.initialize(m, DataType.FLOAT32, new Shape(1, 3, 14, 14));
      assertEquals(22_056_576L, FineTuning.parameterCount(full));
      FineTuning.configure(MethodKind.FULL, full);
      assertEquals(22_056_576L - 384, FineTuning.trainableParameterCount(full), "all but the mask token");

      DinoV2Backbone lora =
          DinoV2Backbone.builder().setConfig(DinoV2Config.vitS14()).optLora(LoraConfig.queryValue(3, 15f)).build();
      BackboneWithHead segmenter = new BackboneWithHead(lora, new SegmentationHead(384, 2, 1, 1));
      segmenter.initialize(m, DataType.FLOAT32, new Shape(1, 3, 14, 14));
      FineTuning.configure(MethodKind.LORA, lora);
      assertEquals(18_432L * 3, FineTuning.trainableParameterCount(lora));
      assertEquals(56_066L, FineTuning.trainableParameterCount(segmenter), "the paper's count: r 3 + 2-class head");
    }
  }

  @Test
  void loraFactorsStartKaimingUniformAndZero() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(7);
      DinoV2Backbone b =
          DinoV2Backbone.builder().setConfig(DinoV2Config.vitS14()).optLora(LoraConfig.queryValue(8, 8f)).build();
      b.initialize(m, DataType.FLOAT32, new Shape(1, 3, 14, 14));
      var adapter = b.loraAdapters().values().iterator().next();
      NDArray a = adapter.down().getArray();
      float bound = (float) (1 / Math.sqrt(384));
      assertTrue(a.abs().max().getFloat() <= bound, "A within +-1/sqrt(in)");
      assertTrue(a.abs().max().getFloat() > 0.9f * bound, "A spans its range");
      assertEquals(0f, adapter.up().getArray().abs().max().getFloat(), "B starts at zero");
    }
  }

  @ParameterizedTest
  @EnumSource(value = MethodKind.class, names = {"LINEAR", "LORA", "FULL"})
  void gradientsReachExactlyTheTrainableParameters(MethodKind method) {
    Engine.getInstance().setRandomSeed(1);
    try (NDManager m = NDManager.newBaseManager()) {
      LoraConfig lora = method == MethodKind.LORA ? LoraConfig.queryValue(2, 2f) : null;
      DinoV2Backbone backbone = DinoV2Backbone.builder().setConfig(TINY).optLora(lora).build();
      BackboneWithHead net = new BackboneWithHead(backbone, new SegmentationHead(32, 2, 2, 2));
      net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 28, 28));
      // B starts at zero, which would zero A's gradient: give B a value so both are exercised.
      backbone.loraAdapters().values().forEach(a -> a.up().getArray().set(m.ones(a.up().getShape()).mul(0.1f).toFloatArray()));
      FineTuning.configure(method, backbone);

      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray pixels = m.randomNormal(new Shape(2, 3, 28, 28));
        NDArray logits = net.forward(new ParameterStore(m, false), new NDList(pixels), true).head();
        gc.backward(logits.square().sum());
      }

      TreeSet<String> expected = new TreeSet<>();
      TreeSet<String> withGradient = new TreeSet<>();
      for (Map.Entry<String, Parameter> e : net.getParameters().toMap().entrySet()) {
        Parameter p = e.getValue();
        // What the method means, by name, rather than whatever configure() left trainable.
        String name = e.getKey();
        boolean inHead = name.matches("\\d*head_.*");
        boolean learns = switch (method) {
          case LINEAR -> inHead;
          case LORA -> inHead || name.contains("lora_");
          case FULL -> !name.endsWith("mask_token");
          case NONE -> throw new AssertionError("not a training method");
        };
        assertEquals(learns, p.requiresGradient(), name + " trainable under " + method);
        if (p.requiresGradient()) {
          expected.add(e.getKey());
          NDArray g = p.getArray().getGradient();
          if (g.abs().sum().getFloat() > 0) {
            withGradient.add(e.getKey());
          }
        } else {
          assertFalse(p.getArray().hasGradient(), e.getKey() + " is frozen but collects a gradient");
        }
      }
      assertFalse(expected.isEmpty());
      assertEquals(expected, withGradient, "every trainable parameter, and only those, gets a gradient");
    }
  }

  @Test
  void loraNeedsAdaptersAndTheOthersRefuseThem() {
    DinoV2Backbone plain = DinoV2Backbone.builder().setConfig(TINY).build();
    var e = assertThrows(IllegalArgumentException.class, () -> FineTuning.configure(MethodKind.LORA, plain));
    assertTrue(e.getMessage().contains("optLora"), e.getMessage());
    var none = assertThrows(IllegalArgumentException.class, () -> FineTuning.configure(MethodKind.NONE, plain));
    assertTrue(none.getMessage().contains("trains nothing"), none.getMessage());
    DinoV2Backbone adapted = DinoV2Backbone.builder().setConfig(TINY).optLora(LoraConfig.queryValue(2, 2f)).build();
    for (MethodKind other : new MethodKind[] {MethodKind.LINEAR, MethodKind.FULL}) {
      var refused = assertThrows(IllegalArgumentException.class, () -> FineTuning.configure(other, adapted));
      assertTrue(refused.getMessage().contains("without optLora"), refused.getMessage());
    }
  }
}
