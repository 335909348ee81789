package org.medlora.contracts;

import java.util.Collection;
import java.util.regex.Pattern;

/** Argument checks shared by the manifest records, so their messages read alike. */
final class Checks {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private Checks() {}

  static <T> T nonNull(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    return value;
  }

  static String nonBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          field + " must be a non-blank string, got " + quoted(value));
    }
    return value;
  }

  /** Lowercase only, so that one digest has one spelling and string equality is enough. */
  static String sha256(String field, String value) {
    if (value == null || !SHA256.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must be 64 lowercase hex characters (a SHA-256 digest), got "
              + quoted(value));
    }
    return value;
  }

  static String oneOf(String field, String value, Collection<String> allowed) {
    if (value == null || !allowed.contains(value)) {
      throw new IllegalArgumentException(
          field + " must be one of " + allowed + ", got " + quoted(value));
    }
    return value;
  }

  static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  static double finiteAtLeast(String field, double value, double min) {
    // Negated so that NaN fails too.
    if (!(value >= min) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          field + " must be finite and >= " + min + ", got " + value);
    }
    return value;
  }

  static String quoted(String value) {
    return value == null ? "null" : "\"" + value + "\"";
  }
}
