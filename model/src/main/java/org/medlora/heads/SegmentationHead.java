package org.medlora.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.medlora.onnx.OnnxGraph;

/**
 * The paper's linear segmenter: one Linear(D, C) applied to every final-normed patch token,
 * giving patch-level logits (B, C, gh, gw); {@link Upsampling#bilinear} brings them to pixels.
 * Input: the backbone's output list (cls, patches (B, gh*gw, D), ...).
 */
public final class SegmentationHead extends AbstractBlock {

  private final int numClasses;
  private final int gridHeight;
  private final int gridWidth;
  private final Parameter weight;
  private final Parameter bias;

  public SegmentationHead(int embedDim, int numClasses, int gridHeight, int gridWidth) {
    if (numClasses < 2) {
      throw new IllegalArgumentException(
          "segmentation needs background plus at least one class, got " + numClasses);
    }
    this.numClasses = numClasses;
    this.gridHeight = gridHeight;
    this.gridWidth = gridWidth;
    weight =
        addParameter(
            Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numClasses, embedDim)).build());
    bias =
        addParameter(
            Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(numClasses)).build());
  }

  /** Appends this head to an ONNX graph; returns the patch logits (B, C, gh, gw). */
  public String emitOnnx(OnnxGraph graph, String patches) {
    return SegmentationHeadOnnx.patchLogits(graph, patches, this);
  }

  public int numClasses() {
    return numClasses;
  }

  public int gridHeight() {
    return gridHeight;
  }

  public int gridWidth() {
    return gridWidth;
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray patches = inputs.get(1); // (B, N, D)
    long b = patches.getShape().get(0);
    NDArray logits =
        Linear.linear(
                patches,
                ps.getValue(weight, patches.getDevice(), training),
                ps.getValue(bias, patches.getDevice(), training))
            .head(); // (B, N, C)
    // (B, N, C) -> (B, gh, gw, C) -> (B, C, gh, gw)
    return new NDList(logits.reshape(b, gridHeight, gridWidth, numClasses).transpose(0, 3, 1, 2));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), numClasses, gridHeight, gridWidth)};
  }
}
