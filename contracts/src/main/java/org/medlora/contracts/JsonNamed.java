package org.medlora.contracts;

import java.util.EnumSet;
import java.util.List;

/**
 * A constant of a closed set that JSON spells in one fixed way, e.g. {@code image-mask-folders}
 * for {@link DatasetLayout#IMAGE_MASK_FOLDERS}. The spelling is declared beside each constant, so
 * renaming a Java constant can never rename a value on disk or on the wire.
 */
public interface JsonNamed {

  /** This constant's JSON spelling. */
  String jsonName();

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
