package org.medlora.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassColoursTest {

  @Test
  void classesHaveFixedNamedColoursRepeatingAfterTen() {
    assertEquals(0xe6194b, ClassColours.rgb(1));
    assertEquals("#e6194b", ClassColours.hex(1));
    assertEquals("red", ClassColours.name(1));
    assertEquals("#008080", ClassColours.hex(10));
    assertEquals("teal", ClassColours.name(10));
    assertEquals(ClassColours.rgb(1), ClassColours.rgb(11));
  }

  @Test
  void theBackgroundHasNoColour() {
    assertNull(ClassColours.hex(0));
    assertThrows(IllegalArgumentException.class, () -> ClassColours.rgb(0));
  }

  @Test
  void aColourCoversFortyFivePercentOfThePixelBelow() {
    assertEquals(100 * 0.55f + 230 * 0.45f, ClassColours.blend(100, 230), 1e-4f);
  }
}
