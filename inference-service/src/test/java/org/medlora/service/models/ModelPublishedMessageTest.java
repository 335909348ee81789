package org.medlora.service.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelPublishedMessageTest {

  @Test
  void readsTheAnnouncementAndIgnoresUnknownFields() {
    ModelPublishedMessage m = ModelPublishedMessage.parse("{\"schema-version\":1,\"task\":\"lungs\","
        + "\"version\":3,\"model-path\":\"lungs/3\",\"model-sha256\":\"" + "a".repeat(64)
        + "\",\"published-at\":\"2025-01-01T00:00:00Z\"}");
    assertEquals("lungs", m.task());
    assertEquals(3, m.version());
    assertEquals("a".repeat(64), m.modelSha256());
  }

  @Test
  void refusesMessagesThatNameTheWrongPathOrNoVersion() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelPublishedMessage.parse("{\"task\":\"lungs\",\"version\":3,\"model-path\":\"lungs/2\"}"));
    assertTrue(e.getMessage().contains("lungs/3"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ModelPublishedMessage.parse("{\"task\":\"lungs\"}"));
    assertThrows(IllegalArgumentException.class, () -> ModelPublishedMessage.parse("not json"));
    assertThrows(IllegalArgumentException.class, () -> ModelPublishedMessage.parse("[1]"));
  }
}
