package org.medlora.contracts;

import java.util.List;

/** A mutable training request for tests that change one field of a valid one. */
final class RequestBuilder {

  String requestId = "req-1";
  String task = "pneumonia";
  ModelKind kind = ModelKind.CLASSIFICATION;
  List<String> classNames = List.of();
  DatasetSpec dataset = DatasetSpec.of("/data/chest_xray", DatasetLayout.KERMANY);
  String checkpoint = Messages.CHECKPOINT;
  MethodSpec method = MethodSpec.DEFAULT;
  OptimizerSpec optimizer = OptimizerSpec.DEFAULT;
  int epochs = 20;
  int batchSize = 8;
  int imageSize = 448;
  AugmentationSpec augmentation = AugmentationSpec.DEFAULT;
  boolean classWeighting;
  boolean diceLoss;
  Pooling pooling = Pooling.CLS;
  DecoderSpec decoder = DecoderSpec.DEFAULT;
  ExportOptions export = ExportOptions.DEFAULT;
  long seed;

  TrainingRequest build() {
    return new TrainingRequest(requestId, task, kind, classNames, dataset, checkpoint, method,
        optimizer, epochs, batchSize, imageSize, augmentation, classWeighting, diceLoss, pooling,
        decoder, export, seed);
  }
}
