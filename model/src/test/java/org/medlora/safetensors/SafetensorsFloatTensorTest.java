package org.medlora.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafetensorsFloatTensorTest {
  @Test
  void rejectsShapeWhoseProductIsNotTheDataLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FloatTensor(new long[] {2, 3}, new float[5]));
    assertTrue(e.getMessage().contains("[2, 3] holds 6 elements but data has 5"));
    assertThrows(IllegalArgumentException.class,
        () -> new FloatTensor(new long[] {-1}, new float[0]));
  }

  @Test
  void copiesTheShapeButSharesTheData() {
    long[] shape = {2, 2};
    float[] data = {1, 2, 3, 4};
    FloatTensor tensor = new FloatTensor(shape, data);
    shape[0] = 9;
    tensor.shape()[1] = 9;
    assertArrayEquals(new long[] {2, 2}, tensor.shape());
    assertEquals(data, tensor.data());
  }

  @Test
  void equalityComparesShapeAndBits() {
    FloatTensor a = new FloatTensor(new long[] {2}, new float[] {1, Float.NaN});
    assertEquals(a, new FloatTensor(new long[] {2}, new float[] {1, Float.NaN}));
    assertEquals(a.hashCode(),
        new FloatTensor(new long[] {2}, new float[] {1, Float.NaN}).hashCode());
    assertNotEquals(a, new FloatTensor(new long[] {1, 2}, new float[] {1, Float.NaN}));
    assertNotEquals(new FloatTensor(new long[] {1}, new float[] {0f}),
        new FloatTensor(new long[] {1}, new float[] {-0f}));
    assertEquals("FloatTensor[2]", a.toString());
  }
}
