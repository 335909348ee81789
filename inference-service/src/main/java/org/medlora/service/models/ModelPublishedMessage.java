package org.medlora.service.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One {@code model-published} record's value: {@code task}, {@code version},
 * {@code model-path} ({@code <task>/<version>} in the store) and {@code model-sha256}.
 *
 * <p>TODO: switch to the {@code ModelPublished} record and its codec in medlora-contracts once
 * they land; this class is the only place that knows the message's JSON.
 */
record ModelPublishedMessage(String task, int version, String modelPath, String modelSha256) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses a record value.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  static ModelPublishedMessage parse(String value) {
    JsonNode root;
    try {
      root = JSON.readTree(value == null ? "" : value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    String task = text(root, "task");
    JsonNode version = root.get("version");
    if (version == null || !version.canConvertToInt() || version.intValue() < 1) {
      throw new IllegalArgumentException("field 'version' must be an integer >= 1");
    }
    String path = root.hasNonNull("model-path") ? text(root, "model-path") : null;
    String sha = root.hasNonNull("model-sha256") ? text(root, "model-sha256") : null;
    String expectedPath = task + "/" + version.intValue();
    if (path != null && !path.equals(expectedPath)) {
      throw new IllegalArgumentException("field 'model-path' must be <task>/<version> = "
          + expectedPath + ", got " + path);
    }
    return new ModelPublishedMessage(task, version.intValue(), path, sha);
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual() || n.textValue().isBlank()) {
      throw new IllegalArgumentException("field '" + field + "' must be a non-blank string");
    }
    return n.textValue();
  }
}
