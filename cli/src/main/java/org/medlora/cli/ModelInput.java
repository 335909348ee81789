package org.medlora.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.medlora.contracts.OnnxNames;
import org.medlora.contracts.PreprocessingSpec;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.Preprocessor;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.safetensors.TensorInfo;
import picocli.CommandLine.Option;

/** Either an image to preprocess, or a safetensors file whose {@code pixel_values} is ready. */
final class ModelInput {

  @Option(names = "--image", description = "A PNG or JPEG (8/16-bit, gray or RGB), preprocessed as DINOv2 expects.")
  Path image;

  @Option(names = "--tensors", description = "A .safetensors file with pixel_values (B, 3, H, W), already normalized.")
  Path tensors;

  /** The model input (B, 3, H, W); {@code size} applies to images only. */
  NDArray load(NDManager manager, ImageSize size) throws IOException {
    if (image != null) {
      DecodedImage decoded;
      try {
        decoded = ImageDecoder.decode(image, ImageLimits.DEFAULT);
      } catch (UnsupportedImageException e) {
        throw new IOException(e.getMessage(), e);
      }
      PreprocessingSpec spec = PreprocessingSpec.imagenet(size.height(), size.width());
      float[] chw = Preprocessor.toModelInput(decoded, spec);
      return manager.create(chw, new Shape(1, 3, size.height(), size.width()));
    }
    SafetensorsFile file = SafetensorsFile.read(tensors);
    if (!file.contains(OnnxNames.INPUT)) {
      throw new IOException(tensors + " has no tensor '" + OnnxNames.INPUT + "'; it has " + file.names());
    }
    TensorInfo info = file.info(OnnxNames.INPUT);
    long[] shape = info.shape();
    if (shape.length != 4 || shape[1] != 3) {
      throw new IOException(
          OnnxNames.INPUT + " in " + tensors + " has shape " + Arrays.toString(shape)
              + "; expected (B, 3, H, W)");
    }
    return manager.create(file.floats(OnnxNames.INPUT), new Shape(shape));
  }
}
