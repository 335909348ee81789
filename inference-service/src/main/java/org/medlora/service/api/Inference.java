package org.medlora.service.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.service.imaging.ImageInput;
import org.medlora.service.models.InferenceResult;
import org.medlora.service.models.Lease;
import org.medlora.service.models.LoadedModel;
import org.medlora.service.models.ModelNotReadyException;
import org.medlora.service.models.ModelRegistry;
import org.medlora.service.models.StageTimes;
import org.medlora.service.models.UnknownModelException;

/**
 * One request from image bytes to model output: pick the version, decode and preprocess with
 * the shared imaging code, wait for the batch, record the latency.
 */
@ApplicationScoped
public class Inference {

  /** How long a request waits for its batch before giving up with 503. */
  static final long TIMEOUT_SECONDS = 120;

  @Inject ModelRegistry registry;
  @Inject ImageInput images;
  @Inject MeterRegistry meters;

  /** The request duration timers by their tags, held rather than looked up per request. */
  private final Map<DurationTags, Timer> durations = new ConcurrentHashMap<>();

  private record DurationTags(String task, ModelKind kind, String outcome) {}

  /**
   * A model's answer for one image, with what is needed to render it.
   *
   * @param stages where the rendering's time is told
   */
  public record Prediction(String task, int version, ModelManifest manifest, DecodedImage image,
      InferenceResult result, StageTimes stages) {}

  public Prediction predict(String task, OptionalInt version, ModelKind kind,
      ImageInput.Source body) throws UnsupportedImageException {
    long start = System.nanoTime();
    String outcome = "error";
    String taskTag = "unknown";
    try (Lease lease = registry.acquire(task, version)) {
      LoadedModel model = lease.model();
      taskTag = model.task();
      if (model.manifest().kind() != kind) {
        String other = model.manifest().kind() == ModelKind.SEGMENTATION ? "segment" : "classify";
        throw new UnknownModelException("task " + task + " is a "
            + model.manifest().kind().name().toLowerCase() + " model, not a "
            + kind.name().toLowerCase() + " model; POST to /v1/models/" + task + "/" + other);
      }
      long decodeStart = System.nanoTime();
      DecodedImage image = images.decode(body);
      model.stageTimes().decoded(System.nanoTime() - decodeStart);
      InferenceResult result = await(model, image);
      outcome = "ok";
      return new Prediction(model.task(), model.version(), model.manifest(), image, result,
          model.stageTimes());
    } finally {
      durations.computeIfAbsent(new DurationTags(taskTag, kind, outcome), this::durationTimer)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private Timer durationTimer(DurationTags tags) {
    return Timer.builder("medlora.request.duration")
        .description("Time from request body to model output (decode, preprocess, queue, run)")
        .tag("task", tags.task())
        .tag("operation", tags.kind() == ModelKind.CLASSIFICATION ? "classify" : "segment")
        .tag("outcome", tags.outcome())
        .publishPercentileHistogram()
        .register(meters);
  }

  private static InferenceResult await(LoadedModel model, DecodedImage image) {
    try {
      return model.submit(image).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new ModelNotReadyException(model + " did not answer within " + TIMEOUT_SECONDS
          + " s; the service is overloaded");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + model, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(model + " failed to run: " + cause, cause);
    }
  }
}
