package org.medlora.service.testing;

import java.util.List;

/**
 * The tasks of the exported test models (module {@code test-models}, class
 * {@code org.medlora.testmodels.TestModels}, which must agree).
 */
public final class TestTasks {

  public static final String SEGMENTER = "busi-tumours";
  public static final String CLASSIFIER = "chest-xray";
  /** {@link #SEGMENTER}'s model exported at int8 (opset 23). */
  public static final String SEGMENTER_INT8 = "busi-tumours-int8";
  public static final List<String> SEG_CLASSES = List.of("background", "benign", "malignant");
  public static final List<String> CLS_CLASSES = List.of("normal", "benign", "malignant");

  private TestTasks() {}
}
