package org.medlora.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.medlora.contracts.JobEvent;

/**
 * Shows a job's events: on a terminal, one line redrawn in place (phase, a bar over the phase's
 * epochs, epoch n/N, the latest metrics, ETA); otherwise one plain line per event, for logs.
 */
final class ProgressView {

  private static final int BAR = 20;
  /** The metrics worth a glance, in this order, when the trainer reports them. */
  private static final List<String> SHOWN = List.of("train-loss", "val-loss", "dice", "accuracy", "macro-f1");

  private final PrintWriter out;
  private final boolean terminal;
  private boolean lineOpen;

  ProgressView(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(JobEvent event) {
    if (event instanceof JobEvent.Progress p) {
      String line = progressLine(p);
      if (terminal) {
        out.print("\r" + line + "\033[K"); // clear what a longer line left behind
        lineOpen = true;
        out.flush();
        return;
      }
      out.println(line);
    } else if (event instanceof JobEvent.Accepted a) {
      println("accepted by a worker (attempt " + a.attempt() + ", training on " + a.device() + ")");
    }
    out.flush();
  }

  /** Ends the redrawn line, so what follows starts on a line of its own. */
  void println(String line) {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
    out.println(line);
    out.flush();
  }

  static String progressLine(JobEvent.Progress p) {
    int filled = (int) Math.round(BAR * (double) p.epoch() / p.totalEpochs());
    return String.format(Locale.ROOT, "%-7s [%s%s] epoch %d/%d  %s  ETA %s", p.phase(), "#".repeat(filled),
        "-".repeat(BAR - filled), p.epoch(), p.totalEpochs(), metrics(p.metrics()), duration(p.etaSeconds()));
  }

  /** The shown metrics that are present, e.g. {@code val-loss 0.231  dice 0.912}. */
  static String metrics(Map<String, Double> metrics) {
    return SHOWN.stream().filter(metrics::containsKey)
        .map(k -> String.format(Locale.ROOT, "%s %.3f", k, metrics.get(k)))
        .collect(Collectors.joining("  "));
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
