package org.medlora.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.ExportPrecision;

class ParityCheckTest {

  @Test
  void namesTheOutputTheSizeAndThePlaceOfADifference() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = m.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new Shape(2, 2));
      float[] off = {0.1f, 0.2f, 0.3005f, 0.4f};
      var e = assertThrows(ExportParityException.class,
          () -> ParityCheck.compare(Map.of("logits", logits), Map.of("logits", new OrtModel.Tensor(new long[] {2, 2}, off, null)), 2, ExportPrecision.FP32));
      assertTrue(e.getMessage().startsWith("logits: the export differs from the model by 5.0"), e.getMessage());
      assertTrue(e.getMessage().contains("flat index 2"), e.getMessage());
    }
  }

  @Test
  void countsMaskDisagreementsOnlyWhereTheClassIsClear() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      // (B=1, C=2, H=1, W=2): pixel 0 is a near tie, pixel 1 is clearly class 1.
      NDArray logits = m.create(new float[] {0.5f, 0f, 0.50001f, 1f}, new Shape(1, 2, 1, 2));
      Map<String, NDArray> expected = new LinkedHashMap<>();
      expected.put("logits", logits);
      expected.put("mask", logits.argMax(1).toType(DataType.UINT8, false));
      Map<String, OrtModel.Tensor> tie = new LinkedHashMap<>();
      tie.put("logits", new OrtModel.Tensor(new long[] {1, 2, 1, 2}, logits.toFloatArray(), null));
      tie.put("mask", new OrtModel.Tensor(new long[] {1, 1, 2}, null, new byte[] {0, 1}));
      assertEquals(0, ParityCheck.compare(expected, tie, 1, ExportPrecision.FP32).argmaxMismatches(), "a flipped near-tie is fine");

      tie.put("mask", new OrtModel.Tensor(new long[] {1, 1, 2}, null, new byte[] {1, 0}));
      var e = assertThrows(ExportParityException.class, () -> ParityCheck.compare(expected, tie, 1, ExportPrecision.FP32));
      assertTrue(e.getMessage().contains("1 pixel(s)"), e.getMessage());
    }
  }
}
