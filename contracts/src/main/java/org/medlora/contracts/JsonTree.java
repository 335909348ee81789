package org.medlora.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The mapper that writes the annotated records, and reading Jackson trees field by field, shared
 * by {@link ManifestCodec} and {@link MessageCodec} so that every refusal is worded alike and
 * names the JSON path of its field.
 */
final class JsonTree {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          // Decimal text kept exactly, so floats are rounded once, straight from the text.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Instants as ISO-8601 text (Instant.toString), without the java.time module.
          .addModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance))
          .build();

  /** A record component, or a dotted path of them, e.g. {@code decoder.train}. */
  private static final Pattern COMPONENT_PATH =
      Pattern.compile("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)*");

  private JsonTree() {}

  /**
   * Parses text that must hold one JSON object.
   *
   * @param subject what the text describes, e.g. {@code model manifest}; every error message
   *     starts with {@code "invalid " + subject}
   */
  static Node parse(String json, String subject) {
    if (json == null) {
      throw new FieldException("invalid " + subject + ": the text is null");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line " + e.getLocation().getLineNr() + ", column "
                  + e.getLocation().getColumnNr();
      throw new FieldException(
          "invalid " + subject + ": not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (NumberFormatException e) {
      // A number Jackson cannot hold, e.g. 1e99999999999.
      throw new FieldException("invalid " + subject + ": not valid JSON: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new FieldException(
          "invalid " + subject + ": expected a JSON object, got "
              + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType()));
    }
    return new Node(tree, "", subject);
  }

  /** camelCase component name to the kebab-case key the codecs write. */
  static String kebab(String component) {
    return component.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
  }

  /** A JSON value and its path from the root, so every error can name the field. */
  static final class Node {

    private final JsonNode json;
    private final String path;
    private final String subject;

    private Node(JsonNode json, String path, String subject) {
      this.json = json;
      this.path = path;
      this.subject = subject;
    }

    String path() {
      return path;
    }

    boolean has(String key) {
      JsonNode v = json.get(key);
      return v != null && !v.isNull();
    }

    /** The value under {@code key}, which must be present and not null. */
    Node child(String key) {
      JsonNode v = json.get(key);
      if (v == null || v.isNull()) {
        throw error(path(key), "is missing");
      }
      return new Node(v, path(key), subject);
    }

    /** The value under {@code key} read by {@code read}, or {@code fallback} if absent or null. */
    <T> T or(String key, Function<Node, T> read, T fallback) {
      return has(key) ? read.apply(child(key)) : fallback;
    }

    private String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    Node object(String key) {
      return child(key).object();
    }

    Node object() {
      if (!json.isObject()) {
        throw wrongType("an object");
      }
      return this;
    }

    List<Node> objects(String key) {
      return list(key, Node::object);
    }

    String string(String key) {
      return child(key).string();
    }

    String string() {
      if (!json.isTextual()) {
        throw wrongType("a string");
      }
      return json.textValue();
    }

    int integer(String key) {
      return child(key).integer();
    }

    int integer() {
      if (!json.isIntegralNumber() || !json.canConvertToInt()) {
        throw wrongType("an integer");
      }
      return json.intValue();
    }

    long longValue(String key) {
      return child(key).longValue();
    }

    long longValue() {
      if (!json.isIntegralNumber() || !json.canConvertToLong()) {
        throw wrongType("an integer");
      }
      return json.longValue();
    }

    double number(String key) {
      return child(key).number();
    }

    double number() {
      if (!json.isNumber()) {
        throw wrongType("a number");
      }
      return json.decimalValue().doubleValue();
    }

    float floatValue(String key) {
      return child(key).floatValue();
    }

    float floatValue() {
      if (!json.isNumber()) {
        throw wrongType("a number");
      }
      return json.decimalValue().floatValue();
    }

    boolean bool(String key) {
      return child(key).bool();
    }

    boolean bool() {
      if (!json.isBoolean()) {
        throw wrongType("true or false");
      }
      return json.booleanValue();
    }

    <E extends Enum<E> & JsonNamed> E named(String key, Class<E> type) {
      return child(key).named(type);
    }

    <E extends Enum<E> & JsonNamed> E named(Class<E> type) {
      return named(EnumSet.allOf(type));
    }

    /** The constant this string spells; else a refusal listing the accepted spellings. */
    <E extends JsonNamed> E named(Collection<E> accepted) {
      String s = string();
      try {
        return Checks.named(path, accepted, s);
      } catch (Checks.InvalidValue e) {
        FieldException named = error(path, e.problem());
        named.initCause(e);
        throw named;
      }
    }

    Instant instant(String key) {
      Node c = child(key);
      String s = c.string();
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw error(c.path, "must be an ISO-8601 UTC instant such as 2025-01-31T12:00:00Z, got \""
            + s + "\"");
      }
    }

    <T> List<T> list(String key, Function<Node, T> element) {
      return child(key).list(element);
    }

    <T> List<T> list(Function<Node, T> element) {
      if (!json.isArray()) {
        throw wrongType("an array");
      }
      List<T> out = new ArrayList<>();
      for (int i = 0; i < json.size(); i++) {
        out.add(element.apply(new Node(json.get(i), path + "[" + i + "]", subject)));
      }
      return out;
    }

    /** A JSON object of values, in document order; missing reads as empty. */
    <T> Map<String, T> map(String key, Function<Node, T> value) {
      Map<String, T> out = new LinkedHashMap<>();
      if (!has(key)) {
        return out;
      }
      Node c = object(key);
      for (Map.Entry<String, JsonNode> f : c.json.properties()) {
        out.put(f.getKey(),
            value.apply(new Node(f.getValue(), c.path + "." + f.getKey(), subject)));
      }
      return out;
    }

    /** Runs a record constructor, prefixing its complaint with where the record sits. */
    <T> T build(Supplier<T> constructor) {
      try {
        return constructor.get();
      } catch (FieldException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw inRecord(e);
      }
    }

    /**
     * Runs a record constructor like {@link #build}, but names a refused component by its JSON
     * path, e.g. {@code field 'optimizer.learning-rate' must be finite and > 0, got -1.0}, for
     * readers who wrote the JSON rather than the record.
     */
    <T> T buildNamingFields(Supplier<T> constructor) {
      try {
        return constructor.get();
      } catch (FieldException e) {
        throw e;
      } catch (Checks.InvalidValue e) {
        if (!COMPONENT_PATH.matcher(e.field()).matches()) {
          throw inRecord(e);
        }
        FieldException named = error(path(kebab(e.field())), e.problem());
        named.initCause(e);
        throw named;
      } catch (IllegalArgumentException e) {
        throw inRecord(e);
      }
    }

    private FieldException inRecord(IllegalArgumentException e) {
      String where = path.isEmpty() ? "" : " in field '" + path + "'";
      return new FieldException("invalid " + subject + where + ": " + e.getMessage(), e);
    }

    private FieldException wrongType(String expected) {
      String found = json.toString();
      if (found.length() > 80) {
        found = found.substring(0, 77) + "...";
      }
      return error(path, "must be " + expected + ", got " + found);
    }

    /** A refusal of the field at {@code fieldPath}, worded for whoever wrote the JSON. */
    FieldException error(String fieldPath, String problem) {
      return new FieldException("invalid " + subject + ": field '" + fieldPath + "' " + problem);
    }
  }

  /** A complete refusal whose message already says what and where; never wrapped again. */
  static final class FieldException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    FieldException(String message) {
      super(message);
    }

    FieldException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
