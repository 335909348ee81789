package org.medlora.report;

import java.nio.file.Path;
import java.util.List;

/** {@code index.html}: every task's table, figures and notes on one page, with relative links only. */
final class IndexPage {

  /** What one task contributed to the report. */
  record Section(TaskComparison comparison, List<Path> files, List<String> notes) {}

  private IndexPage() {}

  static String html(List<Section> sections) {
    StringBuilder out = new StringBuilder("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>medlora: comparison of methods</title>
        <style>
        body { font-family: sans-serif; margin: 2em; max-width: 1600px; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        img { max-width: 100%; margin: 0.5em 0; display: block; }
        .notes { color: #555; }
        </style>
        </head>
        <body>
        <h1>Comparison of methods</h1>
        <p>Linear probe on the frozen backbone, LoRA at each rank and full fine-tuning (and the upsampling
        decoder where one was trained), from the model store's manifests. The tables are also here as
        Markdown and CSV; metric names are the manifests'.</p>
        """);
    for (Section s : sections) {
      String task = escape(s.comparison().task());
      out.append("<h2>").append(task).append(" (").append(s.comparison().kind().jsonName()).append(")</h2>\n");
      out.append(Tables.html(s.comparison()));
      for (Path f : s.files()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".png")) {
          out.append("<img src=\"").append(escape(name)).append("\" alt=\"").append(escape(name)).append("\">\n");
        } else {
          out.append("<a href=\"").append(escape(name)).append("\">").append(escape(name)).append("</a>\n");
        }
      }
      if (!s.notes().isEmpty()) {
        out.append("<ul class=\"notes\">\n");
        s.notes().forEach(n -> out.append("<li>").append(escape(n)).append("</li>\n"));
        out.append("</ul>\n");
      }
    }
    return out.append("</body>\n</html>\n").toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
