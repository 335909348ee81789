package org.medlora.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medlora.synth.SyntheticDatasets;
import org.medlora.synth.SyntheticDatasets.Kind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a synthetic data set in a real layout, for demos and tests without patient data. */
@Command(
    name = "synth",
    header = "Writes a synthetic data set in a public data set's folder layout.",
    mixinStandardHelpOptions = true,
    description = {
      "Writes synthetic images in the folder layout of a public data set: chest X-rays",
      "with lung masks (Montgomery/Shenzhen; lung-xray-montgomery keeps Montgomery's one",
      "mask per lung in ManualMask/leftMask and rightMask, as downloaded), normal and",
      "pneumonia X-rays (Kermany), or breast ultrasound with lesion masks (BUSI). The same",
      "seed gives the same files."
    })
final class SynthCommand implements Callable<Integer> {

  @Option(names = "--kind", required = true, converter = KindConverter.class,
      description = "lung-xray, lung-xray-montgomery, pneumonia-xray or breast-ultrasound.")
  Kind kind;

  @Option(names = "--count", defaultValue = "100", description = "Number of images (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--size", defaultValue = "512", description = "Base image size in pixels (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--calipers", description = "Burn caliper marks and a readout into ultrasound lesion images, as in BUSI.")
  boolean calipers;

  @Option(names = "--out", required = true, description = "Output folder; must be missing or empty.")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SyntheticDatasets.Summary summary =
        SyntheticDatasets.write(kind, new SyntheticDatasets.Options(count, seed, size, calipers), out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf("wrote %d synthetic %s images to %s%n", count, kind.id(), summary.root());
    int width = summary.counts().keySet().stream().mapToInt(String::length).max().orElse(0);
    for (Map.Entry<String, Integer> e : summary.counts().entrySet()) {
      stdout.printf("  %-" + width + "s %6d%n", e.getKey(), e.getValue());
    }
    stdout.printf("for a training request: dataset root %s, layout %s%n",
        summary.root(), summary.layout().jsonName());
    stdout.flush();
    return 0;
  }

  static final class KindConverter implements CommandLine.ITypeConverter<Kind> {
    @Override
    public Kind convert(String value) {
      try {
        return Kind.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
