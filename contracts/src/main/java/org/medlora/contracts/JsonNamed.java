package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.EnumSet;
import java.util.List;

/**
 * A constant of a closed set that JSON spells in one fixed way, e.g. {@code image-mask-folders}
 * for {@link DatasetLayout#IMAGE_MASK_FOLDERS}. The spelling is declared beside each constant with
 * Jackson's {@code @JsonProperty}, which Jackson itself reads too, so renaming a Java constant can
 * never rename a value on disk or on the wire.
 */
public interface JsonNamed {

  /** This constant's JSON spelling: its {@code @JsonProperty} value. */
  default String jsonName() {
    Enum<?> constant = (Enum<?>) this;
    try {
      return constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException | NullPointerException e) {
      throw new IllegalStateException(constant.getDeclaringClass().getSimpleName() + "." + constant.name()
          + " must declare its JSON spelling with @JsonProperty", e);
    }
  }

  /** Every JSON spelling of {@code type}, in declaration order. */
  static <E extends Enum<E> & JsonNamed> List<String> jsonNames(Class<E> type) {
    return Checks.jsonNames(EnumSet.allOf(type));
  }

  /**
   * The constant of {@code type} spelled {@code name} in JSON.
   *
   * @throws IllegalArgumentException listing the accepted spellings, e.g. {@code Pooling must be
   *     one of [cls, cls-and-mean-patch], got "avg"}
   */
  static <E extends Enum<E> & JsonNamed> E fromJsonName(Class<E> type, String name) {
    return Checks.named(type.getSimpleName(), EnumSet.allOf(type), name);
  }
}
