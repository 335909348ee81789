package org.medlora.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.testing.ReferenceFixture.input;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medlora.testing.FixtureLora;
import org.medlora.testing.ReferenceFixture;

/**
 * Gradients must not depend on when the garbage collector runs. Autograd keeps some of the
 * forward pass's tensors for the backward pass; a tensor made from a Java buffer lives only as
 * long as that buffer, so each such constant in the graph must be one libtorch owns
 * ({@link Scalars}). Here the collector runs between forward and backward and the memory it frees
 * is handed out again filled with NaN: a constant that died with its buffer shows up at once.
 */
class GradientsAndTheCollectorTest {

  @Test
  void backboneGradientsAreTheSameWhenTheCollectorRunsBeforeTheBackwardPass() throws Exception {
    float[] undisturbed = gradients(false);
    float[] collected = gradients(true);
    assertTrue(undisturbed.length > 10_000, "every parameter has a gradient: " + undisturbed.length);
    assertArrayEquals(undisturbed, collected);
  }

  /** All gradients of a LoRA backbone with every parameter trainable, at an interpolated size. */
  private static float[] gradients(boolean collectBeforeBackward) throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      DinoV2Checkpoint checkpoint = DinoV2Checkpoint.load(ReferenceFixture.file("weights_meta.safetensors"));
      DinoV2Backbone backbone = DinoV2Backbone.fromCheckpoint(manager, checkpoint, FixtureLora.adapter());
      List<Parameter> parameters = backbone.getParameters().values();
      parameters.forEach(p -> p.getArray().setRequiresGradient(true));
      // 196 pixels: a 14x14 grid, so the position embedding is interpolated, as at 448.
      NDArray pixels = manager.create(input("pixel_values").data(), new Shape(2, 3, 224, 224))
          .get(":, :, :196, :196");
      List<ByteBuffer> filler = List.of();
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDList out = backbone.forward(new ParameterStore(manager, false), new NDList(pixels), true);
        NDArray loss = out.get(0).square().sum().add(out.get(1).square().sum());
        if (collectBeforeBackward) {
          filler = reuseFreedMemory();
        }
        collector.backward(loss);
      }
      Reference.reachabilityFence(filler); // the NaN stays in place until the backward pass is done
      NDList flat = new NDList();
      parameters.forEach(p -> flat.add(p.getArray().getGradient().flatten()));
      return NDArrays.concat(flat).toFloatArray();
    }
  }

  /** Frees the unreachable direct buffers, then allocates small ones full of NaN in their place. */
  private static List<ByteBuffer> reuseFreedMemory() throws InterruptedException {
    System.gc();
    Thread.sleep(200); // direct buffers are freed by their cleaners, after the collection
    List<ByteBuffer> filler = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
      b.putFloat(0, Float.NaN).putFloat(4, Float.NaN);
      filler.add(b);
    }
    return filler;
  }
}
