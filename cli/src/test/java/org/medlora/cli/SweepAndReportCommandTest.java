package org.medlora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medlora.contracts.EpochRecord;
import org.medlora.contracts.MessageCodec;
import org.medlora.contracts.ModelManifest;
import org.medlora.store.ModelStore;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.testing.SyntheticTasks;

/**
 * {@code bin/medlora sweep} and {@code report} on synthetic data with fixture A's tiny backbone
 * (width 64, 2 blocks): the table says what the manifests say, the counts follow the LoRA formula,
 * every figure is a PNG that decodes, and the page links only files beside it.
 */
class SweepAndReportCommandTest {

  @TempDir static Path dir;
  static Path store;
  static final CliRunner cli = new CliRunner();

  /** LoRA's trainable parameters on q and v: per block, A (r x d) and B (d x r) for each. */
  static long loraQv(int blocks, int width, int rank) {
    return (long) blocks * 2 * rank * (width + width);
  }

  @BeforeAll
  static void sweep() throws Exception {
    store = dir.resolve("store");
    Path lungs = SyntheticTasks.write(SyntheticDatasets.Kind.LUNG_XRAY, 24, 5, dir);
    Path base = dir.resolve("lungs.json");
    Files.writeString(base, MessageCodec.toJson(SyntheticTasks.request("lungs-sweep", "lungs", "segmentation", lungs,
        "image-mask-folders", "\"method\": {\"kind\": \"lora\", \"lora-alpha\": 4}, \"epochs\": 2,"
            + " \"optimizer\": {\"learning-rate\": 0.01}, \"decoder\": {\"train\": true, \"epochs\": 1}")));
    assertEquals(0, cli.run("sweep", "--request", base.toString(), "--methods", "linear,lora:2,lora:4",
        "--store", store.toString(), "--out", dir.resolve("lungs-report").toString(), "--examples", "2"), cli.err());

    Path pneumonia = SyntheticTasks.write(SyntheticDatasets.Kind.PNEUMONIA_XRAY, 40, 6, dir);
    Path kermany = dir.resolve("pneumonia.json");
    Files.writeString(kermany, MessageCodec.toJson(SyntheticTasks.request("pneumonia-sweep", "pneumonia",
        "classification", pneumonia, "kermany", "\"epochs\": 2, \"optimizer\": {\"learning-rate\": 0.01}")));
    assertEquals(0, cli.run("sweep", "--request", kermany.toString(), "--methods", "linear,lora:2",
        "--store", store.toString(), "--out", dir.resolve("pneumonia-report").toString(), "--examples", "2"),
        cli.err());
  }

  @Test
  void theTableHoldsEachManifestsNumbers() throws Exception {
    ModelStore models = new ModelStore(store);
    List<Map<String, String>> rows = csv(dir.resolve("lungs-report/table-lungs.csv"));
    assertEquals(List.of("linear", "linear + decoder", "LoRA r=2", "LoRA r=2 + decoder", "LoRA r=4",
        "LoRA r=4 + decoder"), rows.stream().map(r -> r.get("method")).toList());
    for (Map<String, String> row : rows) {
      ModelManifest m = models.manifest("lungs", Integer.parseInt(row.get("version")));
      boolean decoderRow = row.get("method").endsWith("+ decoder");
      List<EpochRecord> train = m.history().stream().filter(e -> e.phase().equals("train")).toList();
      // The published model's metrics are the decoder's; the method's are its last epoch before it.
      Map<String, Double> expected = decoderRow ? m.metrics() : train.get(train.size() - 1).metrics();
      for (String metric : List.of("val-loss", "dice", "mean-iou", "pixel-accuracy")) {
        assertEquals(expected.get(metric), Double.parseDouble(row.get(metric)), 0.0, row.get("method") + " " + metric);
      }
      if (!decoderRow) {
        assertEquals(m.metrics().get("seconds-per-epoch"), Double.parseDouble(row.get("seconds-per-epoch")), 0.0);
        assertEquals(m.metrics().get("trainable-params"), Double.parseDouble(row.get("trainable-params")), 0.0);
      }
    }
    assertEquals("2", rows.get(2).get("rank"));
    assertEquals("", rows.get(0).get("rank"));
  }

  @Test
  void trainableCountsFollowTheLoraFormula() throws Exception {
    assertEquals(18_432L * 3, loraQv(12, 384, 3), "ViT-S/14, the paper's count per rank");
    Map<String, Long> trainable = new LinkedHashMap<>();
    for (Map<String, String> row : csv(dir.resolve("lungs-report/table-lungs.csv"))) {
      trainable.put(row.get("method"), Long.parseLong(row.get("trainable-params")));
    }
    long head = 64 * 2 + 2; // the linear probe trains the 64 -> 2 patch head alone
    assertEquals(head, trainable.get("linear"));
    ModelManifest tiny = new ModelStore(store).manifest("lungs", 1);
    int blocks = tiny.backbone().depth();
    int width = tiny.backbone().embedDim();
    assertEquals(List.of(2, 64), List.of(blocks, width));
    assertEquals(loraQv(blocks, width, 2) + head, trainable.get("LoRA r=2"));
    assertEquals(loraQv(blocks, width, 4) + head, trainable.get("LoRA r=4"));
    assertEquals(trainable.get("linear + decoder"), trainable.get("LoRA r=4 + decoder"), "the same decoder");
    assertTrue(trainable.get("linear + decoder") > 0);
  }

  @Test
  void kermanysTestSplitHasItsColumns() throws Exception {
    ModelStore models = new ModelStore(store);
    List<Map<String, String>> rows = csv(dir.resolve("pneumonia-report/table-pneumonia.csv"));
    assertEquals(List.of("linear", "LoRA r=2"), rows.stream().map(r -> r.get("method")).toList());
    for (Map<String, String> row : rows) {
      ModelManifest m = models.manifest("pneumonia", Integer.parseInt(row.get("version")));
      for (String metric : List.of("val-loss", "accuracy", "macro-f1", "test-accuracy", "test-macro-f1")) {
        assertEquals(m.metrics().get(metric), Double.parseDouble(row.get(metric)), 0.0, metric);
      }
    }
    String markdown = Files.readString(dir.resolve("pneumonia-report/table-pneumonia.md"));
    assertTrue(markdown.startsWith("| method | rank | trainable-params | val-loss | accuracy | macro-f1 | test-accuracy |"),
        markdown);
  }

  @Test
  void everyFigureIsAPngThatDecodes() throws Exception {
    Path out = dir.resolve("lungs-report");
    for (String name : List.of("fig1-lungs-val-loss.png", "fig1-lungs-dice.png", "fig2-lungs-rank.png",
        "fig2-lungs-parameters.png", "fig3-lungs.png", "fig4-lungs.png")) {
      BufferedImage image = ImageIO.read(out.resolve(name).toFile());
      assertNotNull(image, name + " decodes as an image");
      assertTrue(image.getWidth() > 100 && image.getHeight() > 100, name);
    }
    // Fig. 3: image, truth and the three methods; Fig. 4: image, truth, then head and decoder per method.
    assertEquals(5 * 192, ImageIO.read(out.resolve("fig3-lungs.png").toFile()).getWidth());
    assertEquals((2 + 2 * 3) * 192, ImageIO.read(out.resolve("fig4-lungs.png").toFile()).getWidth());
    Path pneumonia = dir.resolve("pneumonia-report");
    assertNotNull(ImageIO.read(pneumonia.resolve("fig3-pneumonia.png").toFile()));
    assertFalse(Files.exists(pneumonia.resolve("fig4-pneumonia.png")), "no decoder, no Fig. 4");
  }

  @Test
  void theIndexShowsOnlyFilesBesideIt() throws Exception {
    Path out = dir.resolve("lungs-report");
    String html = Files.readString(out.resolve("index.html"));
    Matcher links = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
    List<String> targets = new ArrayList<>();
    while (links.find()) {
      targets.add(links.group(1));
    }
    assertTrue(targets.containsAll(List.of("fig1-lungs-dice.png", "fig3-lungs.png", "fig4-lungs.png",
        "table-lungs.csv")), targets.toString());
    for (String t : targets) {
      assertTrue(Files.isRegularFile(out.resolve(t)) && !t.contains("/"), "a file beside index.html: " + t);
    }
  }

  @Test
  void aRerunTrainsNothingAndReportReadsTheSameStore() throws Exception {
    List<Integer> before = new ModelStore(store).versions("lungs");
    assertEquals(0, cli.run("sweep", "--request", dir.resolve("lungs.json").toString(), "--methods", "lora:2",
        "--store", store.toString(), "--out", dir.resolve("again").toString(), "--examples", "1"), cli.err());
    assertTrue(cli.out().contains("lora:2: lungs-sweep-lora-r2 is already version"), cli.out());
    assertEquals(before, new ModelStore(store).versions("lungs"));

    assertEquals(0, cli.run("report", "--store", store.toString(), "--task", "lungs", "--task", "pneumonia",
        "--out", dir.resolve("both").toString(), "--examples", "1"), cli.err());
    assertEquals(Files.readString(dir.resolve("lungs-report/table-lungs.csv")),
        Files.readString(dir.resolve("both/table-lungs.csv")), "the same table from the manifests alone");
    assertTrue(Files.isRegularFile(dir.resolve("both/table-pneumonia.md")));
  }

  @Test
  void anUnknownMethodOrTaskIsRefusedWithWhatToDo() {
    assertEquals(2, cli.run("sweep", "--request", dir.resolve("lungs.json").toString(), "--methods", "lora:0",
        "--store", store.toString(), "--out", dir.resolve("x").toString()));
    assertTrue(cli.err().contains("'lora:0' is not a method: use linear, lora:R with a rank R >= 1"), cli.err());
    assertEquals(1, cli.run("report", "--store", store.toString(), "--task", "busi", "--out",
        dir.resolve("y").toString()));
    assertTrue(cli.err().contains("has no version of task busi; its tasks are [lungs, pneumonia]"), cli.err());
  }

  /** The CSV's rows as header -> cell. */
  private static List<Map<String, String>> csv(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file);
    List<String> header = Arrays.asList(lines.get(0).split(",", -1));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), cells[i]);
      }
      rows.add(row);
    }
    return rows;
  }
}
