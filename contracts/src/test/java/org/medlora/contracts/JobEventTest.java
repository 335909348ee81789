package org.medlora.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The event records, the model-published announcement and the cancel request. */
class JobEventTest {

  private static final Instant T = Messages.T0;

  private static String refusal(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  @Test
  void everyEventNamesItsTypeInTheOrderARequestMeetsThem() {
    List<String> types = new ArrayList<>();
    Messages.events().forEach(e -> types.add(e.type()));
    assertEquals(JobEvent.TYPES, types);
  }

  @Test
  void everyEventChecksTheFieldsAllShare() {
    assertTrue(refusal(() -> new JobEvent.Accepted("a/b", "lungs", T, 1, "cpu"))
        .startsWith("requestId must be 1 to 128 characters"));
    assertTrue(refusal(() -> new JobEvent.Failed("r", "Lungs", T, "x", "", 1))
        .startsWith("task must be 1 to 64 characters"));
    assertEquals("timestamp must not be null",
        refusal(() -> new JobEvent.Cancelled("r", "lungs", null, "x", 1)));
    assertEquals("schemaVersion must be 1, got 2",
        refusal(() -> new JobEvent.Accepted(2, "r", "lungs", T, 1, "cpu")));
    assertEquals("attempt must be >= 1, got 0",
        refusal(() -> new JobEvent.Accepted("r", "lungs", T, 0, "cpu")));
    assertEquals("attempt must be >= 1, got 0",
        refusal(() -> new JobEvent.Failed("r", "lungs", T, "x", "", 0)));
    assertEquals("device must be cpu or gpu:N, got \"cuda\"",
        refusal(() -> new JobEvent.Accepted("r", "lungs", T, 1, "cuda")));
  }

  @Test
  void progressCountsEpochsWithinThePhase() {
    assertEquals("epoch must be between 1 and 20, got 21",
        refusal(() -> new JobEvent.Progress("r", "lungs", T, "train", 21, 20, Map.of(), 1, 1)));
    assertEquals("phase must be one of [train, decoder], got \"eval\"",
        refusal(() -> new JobEvent.Progress("r", "lungs", T, "eval", 1, 20, Map.of(), 1, 1)));
    assertEquals("etaSeconds must be finite and >= 0.0, got -1.0",
        refusal(() -> new JobEvent.Progress("r", "lungs", T, "train", 1, 20, Map.of(), 1, -1)));
  }

  @Test
  void progressMetricsAreFiniteAndKeepTheirOrder() {
    Map<String, Double> nan = new HashMap<>();
    nan.put("val-dice", Double.NaN);
    assertEquals("metrics must be finite (leave undefined ones out), got val-dice=NaN",
        refusal(() -> new JobEvent.Progress("r", "lungs", T, "train", 1, 2, nan, 1, 1)));
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (String k : List.of("zeta", "alpha", "mid")) {
      metrics.put(k, 1.0);
    }
    JobEvent.Progress p = new JobEvent.Progress("r", "lungs", T, "train", 1, 2, metrics, 1, 1);
    metrics.put("late", 2.0);
    assertEquals(List.of("zeta", "alpha", "mid"), new ArrayList<>(p.metrics().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> p.metrics().put("x", 1.0));
  }

  @Test
  void completedNamesTheManifestsTaskAndStorePath() {
    ModelManifest m = Manifests.segmentation();
    JobEvent.Completed c = JobEvent.Completed.of("r", 1, T, m);
    assertEquals("lungs", c.task());
    assertEquals("lungs/3", c.modelPath());
    assertEquals("modelPath must be \"lungs/3\" (<task>/<version> of the manifest), got "
        + "\"lungs/4\"", refusal(() -> new JobEvent.Completed("r", "lungs", T, m, "lungs/4", 1)));
    assertEquals("task must be the manifest's task \"lungs\", got \"other\"",
        refusal(() -> new JobEvent.Completed("r", "other", T, m, "lungs/3", 1)));
  }

  @Test
  void failedNeedsAReasonButTheHintMayBeEmpty() {
    assertEquals("", Messages.failed().hint());
    assertEquals("reason must be a non-blank string, got \"\"",
        refusal(() -> new JobEvent.Failed("r", "lungs", T, "", "retry", 1)));
    assertEquals("hint must not be null",
        refusal(() -> new JobEvent.Failed("r", "lungs", T, "oom", null, 1)));
  }

  @Test
  void publishedAnnouncementsRepeatTheManifestsFacts() {
    ModelPublished p = Messages.published();
    ModelManifest m = Manifests.segmentation();
    assertEquals(List.of(m.task(), m.version(), "lungs/3", m.modelSha256(), m.kind(),
            m.classNames()),
        List.of(p.task(), p.version(), p.modelPath(), p.modelSha256(), p.kind(),
            p.classNames()));
    assertNull(Messages.publishedByCli().requestId());
    assertEquals("modelPath must be \"lungs/3\" (<task>/<version>), got \"lungs/3/\"",
        refusal(() -> new ModelPublished("lungs", 3, "lungs/3/", Manifests.SHA_A,
            ModelKind.SEGMENTATION, List.of("background", "lung"), T, null)));
    assertEquals("classNames must be empty for a FEATURES model, got [a, b]",
        refusal(() -> new ModelPublished("f", 1, "f/1", Manifests.SHA_A, ModelKind.FEATURES,
            List.of("a", "b"), T, null)));
    assertTrue(refusal(() -> new ModelPublished("f", 1, "f/1", Manifests.SHA_A,
        ModelKind.FEATURES, List.of(), T, "bad id")).startsWith("requestId must be"));
  }

  @Test
  void cancelRequestsNeedAValidIdAndAReason() {
    assertTrue(refusal(() -> new CancelRequest("..", "x")).startsWith("requestId must be"));
    assertEquals("reason must be a non-blank string, got null",
        refusal(() -> new CancelRequest("r", null)));
  }
}
