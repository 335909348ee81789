package org.medlora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medlora.contracts.JobEvent;

class ProgressViewTest {

  private static JobEvent.Progress progress(int epoch, double eta) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("dice", 0.8123);
    metrics.put("seconds-per-epoch", 1.0);
    metrics.put("train-loss", 0.5);
    return new JobEvent.Progress("r1", "lungs", Instant.EPOCH, "train", epoch, 4, metrics, 1.0, eta);
  }

  @Test
  void aProgressLineShowsPhaseBarEpochTheGlanceMetricsAndEta() {
    assertEquals("train   [##########----------] epoch 2/4  train-loss 0.500  dice 0.812  ETA 1m05s",
        ProgressView.progressLine(progress(2, 65)));
  }

  @Test
  void withoutATerminalEachEventIsAPlainLine() {
    StringWriter out = new StringWriter();
    ProgressView view = new ProgressView(new PrintWriter(out), false);
    view.show(new JobEvent.Accepted("r1", "lungs", Instant.EPOCH, 1, "cpu"));
    view.show(progress(1, 3));
    view.println("done");
    assertEquals("accepted by a worker (attempt 1, training on cpu)\n"
        + "train   [#####---------------] epoch 1/4  train-loss 0.500  dice 0.812  ETA 0m03s\ndone\n", out.toString());
  }

  @Test
  void onATerminalProgressRedrawsOneLineThatTheNextMessageEnds() {
    StringWriter out = new StringWriter();
    ProgressView view = new ProgressView(new PrintWriter(out), true);
    view.show(progress(1, 3));
    view.show(progress(2, 2));
    view.println("done");
    String[] redraws = out.toString().split("\r", -1);
    assertEquals(3, redraws.length, out.toString());
    assertEquals("train   [##########----------] epoch 2/4  train-loss 0.500  dice 0.812  ETA 0m02s\033[K\ndone\n", redraws[2]);
  }

  @Test
  void longJobsShowHoursInTheirEta() {
    assertEquals("2h05m", ProgressView.duration(7500));
  }
}
