package org.medlora.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import org.medlora.backbone.Scalars;
import org.medlora.contracts.LoraTarget;

/**
 * The low-rank update of one linear map: {@code y = scaling * (x A^T) B^T}.
 *
 * <p>Shapes: x (..., in), A (r, in), B (out, r), y (..., out). A starts Kaiming-uniform with
 * a = sqrt(5), i.e. U(-1/sqrt(in), 1/sqrt(in)), B starts at zero, as in the LoRA paper and PEFT.
 *
 * <p>Once {@linkplain #setMerged merged} into its base weight the adapter must not be applied
 * again; the host block asks {@link #isMerged()}.
 */
public final class LoraAdapterBlock extends AbstractBlock {

  private final int inDim;
  private final int outDim;
  private final float scaling;
  private final Parameter down;
  private final Parameter up;
  private boolean merged;

  public LoraAdapterBlock(int inDim, int outDim, LoraConfig config) {
    this.inDim = inDim;
    this.outDim = outDim;
    this.scaling = config.scaling();
    int r = config.rank();
    down =
        addParameter(
            Parameter.builder()
                .setName("lora_A")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(r, inDim))
                .optInitializer(new UniformInitializer((float) (1.0 / Math.sqrt(inDim))))
                .build());
    up =
        addParameter(
            Parameter.builder()
                .setName("lora_B")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(outDim, r))
                .optInitializer(Initializer.ZEROS)
                .build());
  }

  /** A, the (r, in) down projection. */
  public Parameter down() {
    return down;
  }

  /** B, the (out, r) up projection. */
  public Parameter up() {
    return up;
  }

  public float scaling() {
    return scaling;
  }

  public boolean isMerged() {
    return merged;
  }

  /**
   * Folds {@code scaling * B A} into the rows of {@code baseWeight} that {@code target} covers,
   * in place, so the base layer alone computes what base plus adapter did.
   */
  public void mergeInto(NDArray baseWeight, LoraTarget target) {
    if (merged) {
      throw new IllegalStateException(this + " is already merged; unmerge it before merging again");
    }
    try (NDScope scope = new NDScope()) {
      baseWeight.addi(deltaOver(baseWeight, target));
    }
    merged = true;
  }

  /** Undoes {@link #mergeInto}, restoring the base weight (up to float rounding). */
  public void unmergeFrom(NDArray baseWeight, LoraTarget target) {
    if (!merged) {
      throw new IllegalStateException(this + " is not merged; there is nothing to unmerge");
    }
    try (NDScope scope = new NDScope()) {
      baseWeight.subi(deltaOver(baseWeight, target));
    }
    merged = false;
  }

  /** The (rows, in) update of the whole base weight: zero outside the target's row slice. */
  private NDArray deltaOver(NDArray baseWeight, LoraTarget target) {
    NDArray delta = up.getArray().matMul(down.getArray()).mul(scaling); // (out, in)
    long rows = baseWeight.getShape().get(0);
    // Q, K and V each own one outDim-row third of the fused qkv weight.
    int first = switch (target) {
      case Q, PROJ, FC1, FC2 -> 0;
      case K -> outDim;
      case V -> 2 * outDim;
    };
    if (first == 0 && rows == outDim) {
      return delta;
    }
    NDList parts = new NDList();
    if (first > 0) {
      parts.add(baseWeight.get("0:" + first).zerosLike());
    }
    parts.add(delta);
    if (first + outDim < rows) {
      parts.add(baseWeight.get((first + outDim) + ":").zerosLike());
    }
    return NDArrays.concat(parts, 0);
  }

  /**
   * {@code y + adapter(x)} for a live adapter; {@code y} alone when there is none or it has been
   * merged into the weight that produced {@code y}.
   */
  public static NDArray addUpdate(
      LoraAdapterBlock adapter, ParameterStore ps, NDArray x, NDArray y, boolean training) {
    if (adapter == null || adapter.merged) {
      return y;
    }
    return y.add(adapter.forward(ps, new NDList(x), training).head());
  }

  /** Fails unless every adapter is merged: exported graphs carry the adapted weights only. */
  public static void requireMerged(Iterable<LoraAdapterBlock> adapters, String where) {
    for (LoraAdapterBlock adapter : adapters) {
      if (!adapter.merged) {
        throw new IllegalStateException(where + " has a live LoRA adapter; call mergeLora() before export");
      }
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray a = ps.getValue(down, x.getDevice(), training);
    NDArray b = ps.getValue(up, x.getDevice(), training);
    // (..., in) -> (..., r) -> (..., out)
    NDArray y = Linear.linear(Linear.linear(x, a).head(), b).head();
    return new NDList(Scalars.times(y, scaling));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {in.slice(0, in.dimension() - 1).add(outDim)};
  }

  @Override
  public String toString() {
    return "LoraAdapter(" + inDim + " -> " + outDim + ", r=" + down.getShape().get(0) + ")";
  }
}
