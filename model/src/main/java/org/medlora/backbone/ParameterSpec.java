package org.medlora.backbone;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/** Shorthand for parameters whose shape the config fixes up front, so no input is needed. */
final class ParameterSpec {

  private ParameterSpec() {}

  static Parameter weight(String name, long... shape) {
    return of(name, Parameter.Type.WEIGHT, null, shape);
  }

  static Parameter bias(String name, long... shape) {
    return of(name, Parameter.Type.BIAS, null, shape);
  }

  static Parameter of(String name, Parameter.Type type, Initializer init, long... shape) {
    return Parameter.builder()
        .setName(name)
        .setType(type)
        .optInitializer(init)
        .optShape(new Shape(shape))
        .build();
  }
}
