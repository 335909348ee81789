package org.medlora.contracts;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Argument checks shared by the records, so their messages read alike. */
final class Checks {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private Checks() {}

  /**
   * A refused value of one named field. The message is {@code field + " " + problem}, exactly as
   * a plain IllegalArgumentException would read; a JSON codec may instead name the field by its
   * JSON path when {@code field} is a record component (or a dotted path of components).
   */
  static final class InvalidValue extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    InvalidValue(String field, String problem) {
      super(field + " " + problem);
      this.field = field;
      this.problem = problem;
    }

    String field() {
      return field;
    }

    String problem() {
      return problem;
    }
  }

  static InvalidValue invalid(String field, String problem) {
    return new InvalidValue(field, problem);
  }

  static <T> T nonNull(String field, T value) {
    if (value == null) {
      throw invalid(field, "must not be null");
    }
    return value;
  }

  static String nonBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(field, "must be a non-blank string, got " + quoted(value));
    }
    return value;
  }

  /** Lowercase only, so that one digest has one spelling and string equality is enough. */
  static String sha256(String field, String value) {
    if (value == null || !SHA256.matcher(value).matches()) {
      throw invalid(field,
          "must be 64 lowercase hex characters (a SHA-256 digest), got " + quoted(value));
    }
    return value;
  }

  static String oneOf(String field, String value, Collection<String> allowed) {
    if (value == null || !allowed.contains(value)) {
      throw invalid(field, "must be one of " + allowed + ", got " + quoted(value));
    }
    return value;
  }

  /** The JSON spellings of {@code constants}, in their order. */
  static List<String> jsonNames(Collection<? extends JsonNamed> constants) {
    return constants.stream().map(JsonNamed::jsonName).toList();
  }

  /** The one of {@code accepted} spelled {@code value} in JSON; else a refusal listing them. */
  static <E extends JsonNamed> E named(String field, Collection<E> accepted, String value) {
    for (E e : accepted) {
      if (e.jsonName().equals(value)) {
        return e;
      }
    }
    throw invalid(field, "must be one of " + jsonNames(accepted) + ", got " + quoted(value));
  }

  static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw invalid(field, "must be >= " + min + ", got " + value);
    }
    return value;
  }

  static int between(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw invalid(field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  static double finiteAtLeast(String field, double value, double min) {
    // Negated so that NaN fails too.
    if (!(value >= min) || Double.isInfinite(value)) {
      throw invalid(field, "must be finite and >= " + min + ", got " + value);
    }
    return value;
  }

  static double positive(String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw invalid(field, "must be finite and > 0, got " + value);
    }
    return value;
  }

  /** Where a published version lives, relative to the store root: {@code <task>/<version>}. */
  static String modelPath(String task, int version) {
    return task + "/" + version;
  }

  static String quoted(String value) {
    return value == null ? "null" : "\"" + value + "\"";
  }
}
