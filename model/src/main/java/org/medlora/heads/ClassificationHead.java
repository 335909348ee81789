package org.medlora.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.medlora.contracts.Pooling;
import org.medlora.onnx.OnnxGraph;

/**
 * A linear classifier on backbone features: logits (B, C) from the CLS token (B, D), or, as in
 * DINOv2's own linear evaluation, from the CLS token concatenated with the mean patch token
 * (B, 2D). Input: the backbone's output list (cls, patches, ...).
 */
public final class ClassificationHead extends AbstractBlock {

  private final Pooling pooling;
  private final int numClasses;
  private final Parameter weight;
  private final Parameter bias;

  public ClassificationHead(int embedDim, int numClasses, Pooling pooling) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("a classifier needs at least one class, got " + numClasses);
    }
    this.pooling = pooling;
    this.numClasses = numClasses;
    long in = pooling == Pooling.CLS ? embedDim : 2L * embedDim;
    weight =
        addParameter(
            Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numClasses, in)).build());
    bias =
        addParameter(
            Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(numClasses)).build());
  }

  public int numClasses() {
    return numClasses;
  }

  public Pooling pooling() {
    return pooling;
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  /** Appends this head to an ONNX graph; returns the logits (B, C). */
  public String emitOnnx(OnnxGraph graph, String cls, String patches) {
    return ClassificationHeadOnnx.emit(graph, cls, patches, this);
  }

  /** The classifier's input features, (B, D) or (B, 2D), from the backbone outputs. */
  public NDArray pool(NDList features) {
    NDArray cls = features.get(0);
    if (pooling == Pooling.CLS) {
      return cls;
    }
    return cls.concat(features.get(1).mean(new int[] {1}), 1);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = pool(inputs);
    return Linear.linear(
        x, ps.getValue(weight, x.getDevice(), training), ps.getValue(bias, x.getDevice(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
  }
}
