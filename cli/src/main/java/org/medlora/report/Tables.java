package org.medlora.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The paper's table of one task as Markdown (rounded, for reading) and CSV (every digit the
 * manifest holds, for analysis), and as an HTML table for the index page.
 */
final class Tables {

  private Tables() {}

  static String csv(TaskComparison t) {
    StringBuilder out = new StringBuilder(String.join(",", header(t))).append('\n');
    for (Row r : t.rows()) {
      out.append(String.join(",", cells(t, r, Tables::exact))).append('\n');
    }
    return out.toString();
  }

  static String markdown(TaskComparison t) {
    List<String> header = header(t);
    StringBuilder out = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
    header.forEach(h -> out.append("---|"));
    out.append('\n');
    for (Row r : t.rows()) {
      out.append("| ").append(String.join(" | ", cells(t, r, Tables::rounded))).append(" |\n");
    }
    return out.toString();
  }

  static String html(TaskComparison t) {
    StringBuilder out = new StringBuilder("<table>\n<tr>");
    header(t).forEach(h -> out.append("<th>").append(IndexPage.escape(h)).append("</th>"));
    out.append("</tr>\n");
    for (Row r : t.rows()) {
      out.append("<tr>");
      cells(t, r, Tables::rounded).forEach(c -> out.append("<td>").append(IndexPage.escape(c)).append("</td>"));
      out.append("</tr>\n");
    }
    return out.append("</table>\n").toString();
  }

  private static List<String> header(TaskComparison t) {
    List<String> h = new ArrayList<>(List.of("method", "rank", "trainable-params"));
    h.addAll(t.validationColumns());
    h.addAll(t.testColumns());
    h.addAll(List.of("seconds-per-epoch", "version"));
    return h;
  }

  private static List<String> cells(TaskComparison t, Row r, Function<Double, String> number) {
    List<String> c = new ArrayList<>();
    c.add(r.label());
    c.add(r.rank() == null ? "" : r.rank().toString());
    c.add(r.trainableParams() > 0 ? Long.toString(r.trainableParams()) : "");
    for (String name : t.validationColumns()) {
      c.add(number.apply(r.metrics().get(name)));
    }
    for (String name : t.testColumns()) {
      c.add(number.apply(r.metrics().get(name)));
    }
    c.add(number.apply(r.secondsPerEpoch()));
    c.add(Integer.toString(r.version()));
    return c;
  }

  /** The shortest text that reads back as the same double; empty for an absent value. */
  private static String exact(Double v) {
    return v == null || v.isNaN() ? "" : Double.toString(v);
  }

  private static String rounded(Double v) {
    return v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.4g", v);
  }
}
