package org.medlora.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import org.medlora.onnx.OnnxGraph;

/**
 * The seed paper's UNet-like upsampling decoder (section 7): from the image (B, 3, H, W) and the
 * frozen segmenter's patch logits (B, C, gh, gw) to pixel logits (B, C, H, W).
 *
 * <p>An encoder of 3x3 convolutions reads the image at H, H/2, ..., H/2^(L-1) (max-pooling in
 * between). The decoder starts at the coarsest level from the encoder features concatenated with
 * the logits resized there, and climbs back up, each level concatenating the bilinearly doubled
 * decoder features with the encoder features of that size. A 1x1 convolution gives a correction
 * that is added to the bilinearly upsampled logits; it starts at zero, so an untrained decoder
 * reproduces the linear segmenter exactly and training only has to learn the detail.
 */
public final class UpsamplingDecoder extends AbstractBlock {

  static final String PREFIX = "decoder.";

  /** Channels per level, finest first: small enough for CPU training at 448x448. */
  public static final int[] DEFAULT_CHANNELS = {16, 32, 64, 64};

  private final int numClasses;
  private final int[] channels;
  private final Map<String, Parameter> named = new LinkedHashMap<>();
  private final List<Parameter[]> encoder = new ArrayList<>();
  private final List<Parameter[]> decoder = new ArrayList<>();
  private final Parameter[] out;

  public UpsamplingDecoder(int numClasses, int[] channels) {
    if (channels.length < 1) {
      throw new IllegalArgumentException("the decoder needs at least one level");
    }
    this.numClasses = numClasses;
    this.channels = channels.clone();
    int levels = channels.length;
    for (int i = 0; i < levels; i++) {
      int in = i == 0 ? 3 : channels[i - 1];
      encoder.add(conv("enc" + i, channels[i], in, 3, null));
    }
    for (int i = levels - 1; i >= 0; i--) {
      int in = channels[i] + (i == levels - 1 ? numClasses : channels[i + 1]);
      decoder.add(0, conv("dec" + i, channels[i], in, 3, null));
    }
    out = conv("out", numClasses, channels[0], 1, Initializer.ZEROS);
  }

  private Parameter[] conv(String name, int outChannels, int inChannels, int kernel, Initializer init) {
    Parameter w = addParameter(Parameter.builder().setName(name + "_weight").setType(Parameter.Type.WEIGHT)
        .optInitializer(init).optShape(new Shape(outChannels, inChannels, kernel, kernel)).build());
    Parameter b = addParameter(Parameter.builder().setName(name + "_bias").setType(Parameter.Type.BIAS)
        .optShape(new Shape(outChannels)).build());
    named.put(PREFIX + name + ".weight", w);
    named.put(PREFIX + name + ".bias", b);
    return new Parameter[] {w, b};
  }

  /**
   * Every parameter under its file and ONNX initializer name ({@code decoder.enc0.weight}), the
   * one naming table for saving, loading and export.
   */
  public Map<String, Parameter> namedParameters() {
    return Collections.unmodifiableMap(named);
  }

  /** Channels per level, finest first. */
  public int[] channels() {
    return channels.clone();
  }

  public int numClasses() {
    return numClasses;
  }

  /** Levels from finest to coarsest; H and W must be divisible by 2^(levels-1). */
  public int levels() {
    return channels.length;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray image = inputs.get(0); // (B, 3, H, W)
    NDArray logits = inputs.get(1); // (B, C, gh, gw)
    int height = (int) image.getShape().get(2);
    int width = (int) image.getShape().get(3);
    List<NDArray> features = new ArrayList<>();
    NDArray x = image;
    for (int i = 0; i < channels.length; i++) {
      if (i > 0) {
        x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
      }
      x = conv3x3(ps, x, encoder.get(i), training);
      features.add(x); // (B, c_i, H / 2^i, W / 2^i)
    }
    NDArray coarse = features.get(channels.length - 1);
    NDArray d = resize(logits, coarse).concat(coarse, 1);
    d = conv3x3(ps, d, decoder.get(channels.length - 1), training);
    for (int i = channels.length - 2; i >= 0; i--) {
      NDArray skip = features.get(i);
      d = conv3x3(ps, resize(d, skip).concat(skip, 1), decoder.get(i), training);
    }
    NDArray correction =
        Conv2d.conv2d(d, value(ps, out[0], d, training), value(ps, out[1], d, training)).head();
    return new NDList(Upsampling.bilinear(logits, height, width).add(correction));
  }

  private static NDArray resize(NDArray x, NDArray like) {
    return Upsampling.bilinear(x, (int) like.getShape().get(2), (int) like.getShape().get(3));
  }

  private static NDArray conv3x3(ParameterStore ps, NDArray x, Parameter[] conv, boolean training) {
    NDArray y = Conv2d.conv2d(x, value(ps, conv[0], x, training), value(ps, conv[1], x, training),
        new Shape(1, 1), new Shape(1, 1)).head();
    return Activation.relu(y);
  }

  private static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return ps.getValue(p, like.getDevice(), training);
  }

  /** Appends the decoder to an ONNX graph; returns the pixel logits (B, C, H, W). */
  public String emitOnnx(OnnxGraph g, String image, String logits, int height, int width, int gh, int gw) {
    return UpsamplingDecoderOnnx.emit(g, image, logits, this, height, width, gh, gw);
  }

  @Override
  protected void beforeInitialize(Shape... inputShapes) {
    super.beforeInitialize(inputShapes);
    int divisor = 1 << (channels.length - 1);
    Shape image = inputShapes[0];
    if (image.get(2) % divisor != 0 || image.get(3) % divisor != 0) {
      throw new IllegalArgumentException(
          "the decoder's " + channels.length + " levels need H and W divisible by " + divisor + ", got " + image);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape image = inputShapes[0];
    return new Shape[] {new Shape(image.get(0), numClasses, image.get(2), image.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    // no child blocks: every parameter is this block's own
  }
}
