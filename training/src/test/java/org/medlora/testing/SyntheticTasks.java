package org.medlora.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.TrainingRequest;
import org.medlora.synth.SyntheticDatasets;

/**
 * Small synthetic datasets and training requests on fixture A's tiny random-weight backbone
 * (width 64, 2 blocks), at 112x112 so a whole run takes seconds.
 */
public final class SyntheticTasks {

  public static final int IMAGE_SIZE = 112;

  private SyntheticTasks() {}

  public static Path write(SyntheticDatasets.Kind kind, int count, long seed, Path dir) throws IOException {
    return SyntheticDatasets.write(kind, new SyntheticDatasets.Options(count, seed, 128, false), dir.resolve(kind.id()))
        .root();
  }

  /**
   * A request as JSON through the real codec; {@code extra} is spliced into the object, e.g.
   * {@code "\"method\": {\"kind\": \"linear\"}, \"epochs\": 30"}.
   */
  public static TrainingRequest request(String id, String task, String kind, Path dataset, String layout, String extra) {
    String json = "{\"request-id\": \"" + id + "\", \"task\": \"" + task + "\", \"kind\": \"" + kind + "\","
        + " \"dataset\": {\"location\": \"" + dataset + "\", \"layout\": \"" + layout + "\"},"
        + " \"checkpoint\": \"" + ReferenceFixture.file("weights_meta.safetensors") + "\","
        + " \"image-size\": " + IMAGE_SIZE + ", \"batch-size\": 8, " + extra + "}";
    return MessageCodec.fromJson(json, TrainingRequest.class);
  }
}
