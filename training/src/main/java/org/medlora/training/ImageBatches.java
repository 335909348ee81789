package org.medlora.training;

import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.medlora.data.Split;

/**
 * LoRA and full fine-tuning: the training images loaded and augmented afresh every epoch, in
 * the epoch's shuffled order, through the whole network; validated on un-augmented images.
 */
final class ImageBatches implements PhaseData {

  private final BackboneWithHead net;
  private final Batches batches;
  private final Evaluator evaluator;
  private final Split split;

  ImageBatches(BackboneWithHead net, Batches batches, Evaluator evaluator, Split split) {
    this.net = net;
    this.batches = batches;
    this.evaluator = evaluator;
    this.split = split;
  }

  @Override
  public List<StepLoader> epoch(int epoch) {
    return batches.shuffled(split.train(), epoch).stream()
        .<StepLoader>map(samples -> manager -> {
          Batches.Batch batch = batches.load(manager, samples, epoch, true);
          return new Step(new NDList(batch.pixels()), batch.target(), samples.size());
        })
        .toList();
  }

  @Override
  public Map<String, Double> validate() throws IOException {
    return evaluator.evaluate(net, null, split.validation());
  }
}
