package org.medlora.training;

import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.medlora.data.Sample;
import org.medlora.data.Split;

/**
 * LoRA and full fine-tuning: the training images loaded and augmented afresh every epoch, in
 * the epoch's shuffled order, through the whole network; validated on un-augmented images. The
 * next batches are read on a {@link Prefetcher}'s thread while the network trains on this one,
 * unless {@code prefetchDepth} is 0 (all on the training thread).
 */
final class ImageBatches implements PhaseData, AutoCloseable {

  private final BackboneWithHead net;
  private final Batches batches;
  private final Evaluator evaluator;
  private final Split split;
  private final Prefetcher prefetcher;

  ImageBatches(BackboneWithHead net, Batches batches, Evaluator evaluator, Split split, int prefetchDepth) {
    this.net = net;
    this.batches = batches;
    this.evaluator = evaluator;
    this.split = split;
    this.prefetcher = prefetchDepth == 0 ? null : new Prefetcher(prefetchDepth);
  }

  @Override
  public List<StepLoader> epoch(int epoch) {
    List<List<Sample>> order = batches.shuffled(split.train(), epoch);
    if (prefetcher == null) {
      return order.stream()
          .<StepLoader>map(samples -> manager -> step(batches.load(manager, samples, epoch, true)))
          .toList();
    }
    Prefetcher.Pass<Batches.HostBatch> ahead =
        prefetcher.pass(order.size(), i -> batches.read(order.get(i), epoch, true));
    return IntStream.range(0, order.size())
        .<StepLoader>mapToObj(i -> manager -> step(batches.upload(manager, ahead.take(i))))
        .toList();
  }

  private static Step step(Batches.Batch batch) {
    return new Step(new NDList(batch.pixels()), batch.target(), (int) batch.pixels().getShape().get(0));
  }

  @Override
  public Map<String, Double> validate() throws IOException {
    return evaluator.evaluate(net, null, split.validation());
  }

  @Override
  public void close() {
    if (prefetcher != null) {
      prefetcher.close();
    }
  }
}
