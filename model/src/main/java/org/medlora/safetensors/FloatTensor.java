package org.medlora.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor, row-major. The data array is shared, not copied (checkpoints reach a
 * gigabyte), so callers must treat it as read-only unless they own the tensor.
 */
public record FloatTensor(long[] shape, float[] data) {

  public FloatTensor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    shape = shape.clone();
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dim);
    }
    if (count != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + count + " elements but data has "
              + data.length);
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long dim(int axis) {
    return shape[axis];
  }

  public int elementCount() {
    return data.length;
  }

  /** Bitwise equality of shape and data (NaNs with equal bits compare equal). */
  @Override
  public boolean equals(Object other) {
    return other instanceof FloatTensor that
        && Arrays.equals(shape, that.shape)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  /** Shape only: printing a checkpoint must not print a gigabyte of numbers. */
  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
