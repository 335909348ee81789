package org.medlora.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.store.ModelStore;
import org.medlora.testing.SyntheticTasks;

/** What the training loop's listeners report and stop, on whole runs of the tiny backbone. */
class PhaseListenersTest {

  @TempDir static Path dir;
  static Path lungs;

  @BeforeAll
  static void data() throws Exception {
    lungs = SyntheticTasks.write(SyntheticDatasets.Kind.LUNG_XRAY, 20, 4, dir);
  }

  /** Progress as reported: "phase epoch/total", the metrics and the ETA. */
  private record Report(String at, Map<String, Double> metrics, double seconds, double eta) {}

  @Test
  void aDivergingLossStopsTheRunAtOnceWithTheBatchAndTheRemedy() throws Exception {
    var request = SyntheticTasks.request("lungs-diverge", "lungs", "segmentation", lungs, "image-mask-folders",
        "\"method\": {\"kind\": \"linear\"}, \"optimizer\": {\"name\": \"sgd\", \"learning-rate\": 1e38},"
            + " \"epochs\": 20");
    List<Report> reports = new ArrayList<>();
    Path store = dir.resolve("store-diverge");
    TrainingRun run = new TrainingRun(request, new ModelStore(store),
        (phase, epoch, total, metrics, seconds, eta) -> reports.add(new Report(phase + " " + epoch, metrics, seconds, eta)),
        () -> false);

    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, run::run);

    assertTrue(e.reason().matches("training diverged: the loss became (NaN|-?Infinity) in the train phase at epoch"
        + " [12], batch \\d+ of 2"), e.reason());
    assertEquals("lower optimizer.learning-rate (it was 1.0E38) or clip gradients with optimizer.clip-gradient"
        + " (e.g. 1.0) and send the request again", e.hint());
    assertTrue(reports.size() <= 1, "stopped within the first epochs, not after 20: " + reports);
    assertTrue(new ModelStore(store).tasks().isEmpty(), "nothing published");
  }

  @Test
  void everyEpochOfEveryPhaseIsReportedWithItsMetricsAndTheTimeLeft() throws Exception {
    var request = SyntheticTasks.request("lungs-progress", "lungs", "segmentation", lungs, "image-mask-folders",
        "\"method\": {\"kind\": \"linear\"}, \"epochs\": 3, \"decoder\": {\"train\": true, \"epochs\": 2}");
    List<Report> reports = new ArrayList<>();
    var outcome = new TrainingRun(request, new ModelStore(dir.resolve("store-progress")),
        (phase, epoch, total, metrics, seconds, eta) -> reports.add(new Report(phase + " " + epoch + "/" + total,
            metrics, seconds, eta)),
        () -> false).run();

    assertEquals(List.of("train 1/3", "train 2/3", "train 3/3", "decoder 1/2", "decoder 2/2"),
        reports.stream().map(Report::at).toList());
    assertTrue(reports.get(0).metrics().keySet().containsAll(List.of("train-loss", "val-loss", "dice")),
        reports.get(0).metrics().toString());
    assertTrue(reports.get(3).metrics().containsKey("decoder-train-loss"), reports.get(3).metrics().toString());
    for (Report r : reports) {
      assertTrue(r.seconds() > 0, r.toString());
    }
    assertTrue(reports.get(0).eta() > 0 && reports.get(2).eta() == 0 && reports.get(4).eta() == 0, reports.toString());
    // What the last epoch reported is what the run returns and publishes.
    assertEquals(reports.get(4).metrics().get("dice"), outcome.metrics().get("dice"));
  }
}
