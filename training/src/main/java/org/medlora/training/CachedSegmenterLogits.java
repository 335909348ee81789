package org.medlora.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.medlora.data.Sample;
import org.medlora.data.Split;
import org.medlora.heads.UpsamplingDecoder;

/**
 * The decoder's data (the seed paper's second stage, section 7): each training image with the
 * frozen segmenter's patch logits (C, gh, gw), computed once per image, and its full-resolution
 * mask as the target. Un-augmented, since the logits are cached; validated through the decoder.
 */
final class CachedSegmenterLogits implements PhaseData, AutoCloseable {

  private final NDManager cache = NDManager.newBaseManager();
  private final BackboneWithHead net;
  private final UpsamplingDecoder decoder;
  private final Batches batches;
  private final Evaluator evaluator;
  private final Split split;
  private final Map<Sample, NDArray> logits = new HashMap<>();

  /** Runs the frozen segmenter once over the training split; stops between batches when cancelled. */
  CachedSegmenterLogits(BackboneWithHead net, UpsamplingDecoder decoder, Batches batches, Evaluator evaluator,
      Split split, Cancellation cancellation) throws IOException {
    this.net = net;
    this.decoder = decoder;
    this.batches = batches;
    this.evaluator = evaluator;
    this.split = split;
    try {
      ParameterStore ps = new ParameterStore(cache, false);
      for (List<Sample> group : batches.inOrder(split.train())) {
        cancellation.check();
        try (NDManager b = cache.newSubManager()) {
          NDArray out = net.forward(ps, new NDList(batches.load(b, group, 0, false).pixels()), false).head();
          for (int i = 0; i < group.size(); i++) {
            NDArray one = out.get(i);
            one.attach(cache);
            logits.put(group.get(i), one);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      cache.close();
      throw e;
    }
  }

  @Override
  public List<StepLoader> epoch(int epoch) {
    return batches.shuffled(split.train(), epoch).stream()
        .<StepLoader>map(group -> manager -> {
          Batches.Batch batch = batches.load(manager, group, 0, false);
          NDArray frozen = NDArrays.stack(new NDList(group.stream().map(logits::get).toList()));
          frozen.attach(manager);
          return new Step(new NDList(batch.pixels(), frozen), batch.masks(), group.size());
        })
        .toList();
  }

  @Override
  public Map<String, Double> validate() throws IOException {
    return evaluator.evaluate(net, decoder, split.validation());
  }

  @Override
  public void close() {
    cache.close();
  }
}
