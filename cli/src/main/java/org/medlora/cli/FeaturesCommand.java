package org.medlora.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medlora.backbone.DinoV2Backbone;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.contracts.OnnxNames;
import org.medlora.lora.PeftAdapter;
import org.medlora.safetensors.SafetensorsWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the backbone on an image or a tensor file and writes DINOv2's normalized tokens. */
@Command(
    name = "features",
    header = "Writes the DINOv2 backbone's features of an image or a tensor file.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the DINOv2 backbone and writes x_norm_clstoken (B, D), x_norm_patchtokens (B, N, D)",
      "and, for register models, x_norm_regtokens (B, R, D) as float32 safetensors."
    })
final class FeaturesCommand implements Callable<Integer> {

  @Mixin BackboneOptions source;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelInput input;

  @Option(names = "--size", defaultValue = "224x224", converter = ImageSize.Converter.class,
      description = "Model input size HxW for --image, multiples of the patch size (default: ${DEFAULT-VALUE}).")
  ImageSize size;

  @Option(names = "--out", required = true, description = "Output .safetensors file.")
  Path out;

  @Override
  public Integer call() throws Exception {
    DinoV2Checkpoint ckpt = source.loadCheckpoint();
    PeftAdapter lora = source.loadAdapter();
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray pixels = input.load(manager, size);
      DinoV2Backbone backbone = DinoV2Backbone.fromCheckpoint(manager, ckpt, lora);
      NDList features = backbone.forward(new ParameterStore(manager, false), new NDList(pixels), false);
      SafetensorsWriter writer = new SafetensorsWriter();
      String[] names = {OnnxNames.CLS_TOKEN, OnnxNames.PATCH_TOKENS, OnnxNames.REGISTER_TOKENS};
      for (int i = 0; i < features.size(); i++) {
        NDArray f = features.get(i);
        writer.putFloats(names[i], f.getShape().getShape(), f.toFloatArray());
      }
      writer.putMetadata("checkpoint_sha256", ckpt.sha256());
      writer.write(out);
      Shape s = pixels.getShape();
      System.out.printf(
          "wrote %s: %d image(s) at %dx%d, %d patch tokens of width %d%n",
          out, s.get(0), s.get(2), s.get(3), features.get(1).getShape().get(1), ckpt.config().embedDim());
    }
    return 0;
  }
}
