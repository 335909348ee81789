package org.medlora.export;

import java.util.List;
import java.util.Map;
import org.medlora.contracts.DatasetInfo;
import org.medlora.contracts.EpochRecord;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.MethodInfo;
import org.medlora.contracts.QuantizationBounds;
import org.medlora.contracts.TrainingRequest;

/**
 * Everything about an export that the model itself does not know: where it goes and how it was
 * made, for the manifest's provenance.
 *
 * @param task store task name
 * @param height model input height
 * @param width model input width
 * @param classNames class names, background first for segmentation; empty for features
 * @param checkpointFile file name of the backbone checkpoint (never a full path)
 * @param checkpointSha256 its SHA-256
 * @param method how the backbone was adapted
 * @param training the request the model was trained for; null when not trained here
 * @param metrics evaluation results; empty when not evaluated
 * @param history every epoch of every training phase; empty when not trained here
 * @param dataset the training data, or null
 * @param precision weights and arithmetic of the exported graph
 * @param heldOut int8: the images its answers are checked on against float32; null otherwise
 * @param bounds int8: how far those answers may stray; null otherwise
 */
public record ExportSpec(
    String task,
    int height,
    int width,
    List<String> classNames,
    String checkpointFile,
    String checkpointSha256,
    MethodInfo method,
    TrainingRequest training,
    Map<String, Double> metrics,
    List<EpochRecord> history,
    DatasetInfo dataset,
    ExportPrecision precision,
    HeldOutImages heldOut,
    QuantizationBounds bounds) {

  public ExportSpec {
    classNames = List.copyOf(classNames);
    metrics = Map.copyOf(metrics);
    history = List.copyOf(history);
    if ((precision == ExportPrecision.INT8) != (heldOut != null && bounds != null)) {
      throw new IllegalArgumentException(precision == ExportPrecision.INT8
          ? "an int8 export needs held-out images and bounds to check its answers against float32"
          : "held-out images and bounds are for int8 exports, not " + precision.jsonName());
    }
  }

  /** A float export (fp32 or fp16), which needs no held-out images. */
  public ExportSpec(String task, int height, int width, List<String> classNames, String checkpointFile,
      String checkpointSha256, MethodInfo method, TrainingRequest training, Map<String, Double> metrics,
      List<EpochRecord> history, DatasetInfo dataset, ExportPrecision precision) {
    this(task, height, width, classNames, checkpointFile, checkpointSha256, method, training, metrics, history,
        dataset, precision, null, null);
  }
}
