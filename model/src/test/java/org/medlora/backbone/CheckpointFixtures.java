package org.medlora.backbone;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medlora.safetensors.DType;
import org.medlora.safetensors.FloatTensor;
import org.medlora.safetensors.SafetensorsFile;
import org.medlora.safetensors.SafetensorsWriter;

/** Fixture A on the classpath, and edited copies of it written with our own writer. */
final class CheckpointFixtures {
  static final DinoV2Config FIXTURE_A_CONFIG =
      new DinoV2Config(64, 2, 4, 14, 37, 0, 256, 1e-6f, 0.1f);

  private CheckpointFixtures() {}

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(CheckpointFixtures.class
        .getResource("/dinov2-reference/fixture_a/" + name).toURI());
  }

  static Path metaFile() throws URISyntaxException {
    return fixture("weights_meta.safetensors");
  }

  static Path hfFile() throws URISyntaxException {
    return fixture("weights_hf.safetensors");
  }

  /** Every tensor of a file, in header order, as float32. */
  static LinkedHashMap<String, FloatTensor> tensors(Path file) throws IOException {
    SafetensorsFile read = SafetensorsFile.read(file);
    LinkedHashMap<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (String name : read.names()) {
      tensors.put(name, read.floatTensor(name));
    }
    return tensors;
  }

  static LinkedHashMap<String, String> metadata(Path file) throws IOException {
    return new LinkedHashMap<>(SafetensorsFile.read(file).metadata());
  }

  static Path write(Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata)
      throws IOException {
    return write(file, tensors, metadata, DType.F32);
  }

  static Path write(Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata,
      DType dtype) throws IOException {
    SafetensorsWriter writer = new SafetensorsWriter();
    metadata.forEach(writer::putMetadata);
    tensors.forEach((name, t) -> writer.putFloats(name, t.shape(), t.data(), dtype));
    writer.write(file);
    return file;
  }

  static FloatTensor zeros(long... shape) {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return new FloatTensor(shape, new float[(int) count]);
  }
}
