package org.medlora.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.medlora.backbone.DinoV2Backbone;

/** A task model: pixels (B, 3, H, W) through the backbone, its features through a head. */
public final class BackboneWithHead extends AbstractBlock {

  private final DinoV2Backbone backbone;
  private final Block head;

  public BackboneWithHead(DinoV2Backbone backbone, Block head) {
    this.backbone = addChildBlock("backbone", backbone);
    this.head = addChildBlock("head", head);
  }

  public DinoV2Backbone backbone() {
    return backbone;
  }

  public Block head() {
    return head;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return head.forward(ps, backbone.forward(ps, inputs, training), training);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    backbone.initialize(manager, dataType, shapes);
    head.initialize(manager, dataType, backbone.getOutputShapes(shapes));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(backbone.getOutputShapes(inputShapes));
  }
}
