package org.medlora.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One header entry: element type, shape (row-major, PyTorch dimension order) and the byte range
 * [begin, end) relative to the start of the data section.
 */
public record TensorInfo(DType dtype, long[] shape, long begin, long end) {

  public TensorInfo {
    Objects.requireNonNull(dtype, "dtype");
    shape = shape.clone();
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
    }
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("bad byte range [" + begin + ", " + end + ")");
    }
  }

  /** A copy: records with arrays must not hand out their internals. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Product of the shape (1 for a scalar). */
  public long elementCount() {
    return product(shape);
  }

  public long byteSize() {
    return end - begin;
  }

  static long product(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorInfo that
        && dtype == that.dtype
        && Arrays.equals(shape, that.shape)
        && begin == that.begin
        && end == that.end;
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, Arrays.hashCode(shape), begin, end);
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape) + "@[" + begin + ", " + end + ")";
  }
}
