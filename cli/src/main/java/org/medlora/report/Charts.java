package org.medlora.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.medlora.contracts.EpochRecord;
import org.medlora.contracts.MethodKind;

/**
 * The paper's charts of one task as PNG, drawn by JFreeChart: learning curves (its Fig. 1) and
 * the task metric against LoRA rank and against trainable parameters (its Fig. 2).
 */
final class Charts {

  private static final int WIDTH = 760;
  private static final int HEIGHT = 480;

  private Charts() {}

  /**
   * Fig. 1: validation loss and the task metric after each epoch, one line per row (a decoder's
   * epochs are its own line). Writes nothing when no row has a history.
   */
  static List<Path> learningCurves(TaskComparison t, Path dir) throws IOException {
    List<Path> written = new ArrayList<>();
    for (String metric : List.of("val-loss", t.taskMetric())) {
      XYSeriesCollection lines = new XYSeriesCollection();
      for (Row r : t.rows()) {
        XYSeries s = new XYSeries(r.label());
        for (EpochRecord e : r.curve()) {
          Double v = e.metrics().get(metric);
          if (v != null) {
            s.add(e.epoch(), v);
          }
        }
        if (!s.isEmpty()) {
          lines.addSeries(s);
        }
      }
      if (lines.getSeriesCount() == 0) {
        continue;
      }
      JFreeChart chart = lineChart(t.task() + ": " + metric + " after each epoch", "epoch", metric, lines);
      ((NumberAxis) chart.getXYPlot().getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
      written.add(save(chart, dir.resolve("fig1-" + t.task() + "-" + metric + ".png")));
    }
    return written;
  }

  /**
   * Fig. 2: the task metric against LoRA rank, with the linear probe on the frozen backbone (and
   * full fine-tuning) as horizontal references; and against trainable parameters on a log scale,
   * one point per method (a decoder's parameters are its own, so decoders are left out). The rank
   * chart needs a LoRA row.
   */
  static List<Path> rankAndParameters(TaskComparison t, Path dir) throws IOException {
    String metric = t.taskMetric();
    List<Row> rows = t.rows().stream().filter(r -> !r.decoder() && r.metrics().containsKey(metric)).toList();
    List<Path> written = new ArrayList<>();
    List<Row> lora = rows.stream().filter(r -> r.method() == MethodKind.LORA).toList();
    if (!lora.isEmpty()) {
      XYSeriesCollection lines = new XYSeriesCollection();
      XYSeries ranks = new XYSeries("LoRA");
      lora.forEach(r -> ranks.add(r.rank(), r.metrics().get(metric)));
      lines.addSeries(ranks);
      double low = ranks.getMinX();
      double high = ranks.getMaxX();
      for (Row r : rows) {
        if (r.method() != MethodKind.LORA) {
          XYSeries reference = new XYSeries(r.method() == MethodKind.LINEAR ? "linear (frozen backbone)" : r.label());
          reference.add(low, r.metrics().get(metric));
          reference.add(high, r.metrics().get(metric));
          lines.addSeries(reference);
        }
      }
      JFreeChart chart = lineChart(t.task() + ": " + metric + " against LoRA rank", "LoRA rank", metric, lines);
      ((NumberAxis) chart.getXYPlot().getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
      XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
      for (int i = 1; i < lines.getSeriesCount(); i++) {
        renderer.setSeriesStroke(i, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f));
        renderer.setSeriesShapesVisible(i, false);
      }
      written.add(save(chart, dir.resolve("fig2-" + t.task() + "-rank.png")));
    }
    List<Row> counted = rows.stream().filter(r -> r.trainableParams() > 0).toList();
    if (!counted.isEmpty()) {
      XYSeriesCollection points = new XYSeriesCollection();
      for (Row r : counted) {
        XYSeries s = new XYSeries(r.label());
        s.add(r.trainableParams(), r.metrics().get(metric));
        points.addSeries(s);
      }
      JFreeChart chart = lineChart(t.task() + ": " + metric + " against trainable parameters",
          "trainable parameters (log scale)", metric, points);
      XYPlot plot = chart.getXYPlot();
      LogAxis log = new LogAxis("trainable parameters (log scale)");
      log.setBase(10);
      log.setTickUnit(new NumberTickUnit(1)); // a tick per power of ten, labelled 100, 1,000, ...
      log.setNumberFormatOverride(new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
      plot.setDomainAxis(log);
      ((XYLineAndShapeRenderer) plot.getRenderer()).setDefaultLinesVisible(false);
      written.add(save(chart, dir.resolve("fig2-" + t.task() + "-parameters.png")));
    }
    return written;
  }

  private static JFreeChart lineChart(String title, String x, String y, XYSeriesCollection data) {
    JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    plot.setRenderer(renderer);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    return chart;
  }

  private static Path save(JFreeChart chart, Path file) throws IOException {
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    return file;
  }
}
