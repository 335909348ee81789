package org.medlora.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constants in a differentiable graph, made so that autograd can rely on them. DJL's
 * {@code NDArray.mul(Number)} wraps the number in a tensor over a Java buffer and closes it at
 * once; autograd keeps that tensor for the backward pass, and once the garbage collector frees
 * the buffer, the gradient is computed from whatever lies there. Training then depends on when
 * the collector runs: NaN losses, and runs with one seed that differ. A constant that libtorch
 * allocates owns its memory, so autograd's reference keeps it alive.
 */
public final class Scalars {

  private Scalars() {}

  /** {@code x * factor}, differentiable in {@code x} whenever the collector runs. */
  public static NDArray times(NDArray x, float factor) {
    return x.mul(x.getManager().full(new Shape(), factor, x.getDataType()));
  }
}
