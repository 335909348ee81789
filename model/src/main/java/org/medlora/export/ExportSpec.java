package org.medlora.export;

import java.util.List;
import java.util.Map;
import org.medlora.contracts.DatasetInfo;
import org.medlora.contracts.EpochRecord;
import org.medlora.contracts.MethodInfo;
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
    Precision precision) {

  public ExportSpec {
    classNames = List.copyOf(classNames);
    metrics = Map.copyOf(metrics);
    history = List.copyOf(history);
  }
}
