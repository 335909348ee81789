package org.medlora.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.export.OrtModel;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.LabelMasks;
import org.medlora.imaging.Preprocessor;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.safetensors.SafetensorsWriter;
import org.medlora.store.ModelStore;
import org.medlora.store.PublishedModel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs an exported model version in ONNX Runtime, as a server would. */
@Command(
    name = "predict",
    header = "Runs a published model in ONNX Runtime on an image or a tensor file.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an exported model (checked against its manifest first) on an image or a tensor file and",
      "writes its outputs as safetensors; segmentation masks also as PNG, at the image's own size."
    })
final class PredictCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "A version folder, e.g. store/lungs/3.")
  Path model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelInput input;

  @Option(names = "--out", required = true, description = "Output .safetensors file.")
  Path out;

  @Override
  public Integer call() throws Exception {
    PublishedModel published = new ModelStore(model.toAbsolutePath().getParent().getParent()).open(model);
    ModelManifest manifest = published.manifest();
    PreprocessingSpec pre = manifest.preprocessing();
    float[] pixels;
    long[] shape;
    DecodedImage image = null;
    if (input.image != null) {
      try {
        image = ImageDecoder.decode(input.image, ImageLimits.DEFAULT);
      } catch (UnsupportedImageException e) {
        throw new IOException(e.getMessage(), e);
      }
      pixels = Preprocessor.toModelInput(image, pre);
      shape = new long[] {1, 3, pre.height(), pre.width()};
    } else {
      SafetensorsFile file = SafetensorsFile.read(input.tensors);
      pixels = file.floats(OnnxNames.INPUT);
      shape = file.info(OnnxNames.INPUT).shape();
    }
    Map<String, OrtModel.Tensor> outputs;
    try (OrtModel ort = OrtModel.load(Files.readAllBytes(published.modelFile()))) {
      outputs = ort.run(pixels, shape);
    }
    SafetensorsWriter writer = new SafetensorsWriter();
    outputs.forEach((name, t) -> {
      if (t.floats() != null) {
        writer.putFloats(name, t.shape(), t.floats());
      } else {
        writer.putBytes(name, t.shape(), t.bytes());
      }
    });
    writer.putMetadata("task", manifest.task()).putMetadata("version", Integer.toString(manifest.version()));
    writer.write(out);
    System.out.println("wrote " + out);
    OrtModel.Tensor mask = outputs.get(OnnxNames.MASK);
    if (mask != null) {
      writeMasks(mask, pre, image);
    }
    return 0;
  }

  /** One PNG per image, brought back to the decoded image's size when there is one. */
  private void writeMasks(OrtModel.Tensor mask, PreprocessingSpec pre, DecodedImage image) throws IOException {
    long batch = mask.shape()[0];
    int plane = pre.height() * pre.width();
    String stem = out.getFileName().toString().replaceFirst("\\.safetensors$", "");
    for (int b = 0; b < batch; b++) {
      byte[] labels = java.util.Arrays.copyOfRange(mask.bytes(), b * plane, (b + 1) * plane);
      int h = image != null ? image.height() : pre.height();
      int w = image != null ? image.width() : pre.width();
      Path png = out.resolveSibling(stem + (batch > 1 ? ".mask" + b : ".mask") + ".png");
      Files.write(png, LabelMasks.toPng(labels, pre.height(), pre.width(), h, w));
      System.out.println("wrote " + png + " (" + w + "x" + h + ", pixel value = class index)");
    }
  }
}
