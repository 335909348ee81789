package org.medlora.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.data.Augmentation;
import org.medlora.data.Dataset;
import org.medlora.data.DatasetReader;
import org.medlora.data.ExampleLoader;
import org.medlora.data.Sample;
import org.medlora.export.HeldOutImages;

/**
 * Samples of a data set as {@link HeldOutImages}: loaded without augmentation, preprocessed as
 * for the model, with their labels or full-resolution masks as truth.
 */
public final class HeldOutSamples implements HeldOutImages {

  private static final int BATCH = 4;

  private final String source;
  private final List<Sample> samples;
  private final Batches batches;

  HeldOutSamples(String source, List<Sample> samples, Batches batches) {
    this.source = source;
    this.samples = List.copyOf(samples);
    this.batches = batches;
  }

  /**
   * Every sample of the data set at {@code location} ({@code layout}, for a {@code kind} model),
   * test samples included, at the model's input size: images given at export to check an int8
   * model on.
   */
  public static HeldOutSamples given(Path location, DatasetLayout layout, ModelKind kind, int height, int width)
      throws IOException {
    if (height != width) {
      throw new IllegalArgumentException("held-out images are checked at square sizes, as models are trained; got "
          + height + "x" + width + ": export int8 at a square --size");
    }
    Dataset dataset = DatasetReader.read(location, layout, kind);
    List<Sample> all = new ArrayList<>(dataset.samples());
    all.addAll(dataset.testSamples());
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no usable images in " + location + " (" + layout + "): "
          + dataset.skippedSummary());
    }
    PreprocessingSpec spec = PreprocessingSpec.imagenet(height, width);
    Batches batches =
        new Batches(new ExampleLoader(), spec, Augmentation.NONE, BATCH, 0, height / ExampleLoader.PATCH_SIZE);
    return new HeldOutSamples("given", all, batches);
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public void forEach(BatchConsumer consumer) throws IOException {
    for (List<Sample> group : batches.inOrder(samples)) {
      Batches.HostBatch b = batches.read(group, 0, false);
      consumer.accept(new Batch(b.pixels(), b.size(), b.masks() != null ? b.masks() : b.labels()));
    }
  }
}
