package io.emotionstream.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemoSummaryTest {

  @Test
  void saysWhenTheDemoEndedBeforeTrainingDid() {
    String cut = summary(7, 12).describe();
    assertTrue(
        cut.contains("epochs completed            7 of 12 (the demo's duration ended first)"), cut);

    String whole = summary(12, 12).describe();
    assertTrue(whole.contains("epochs completed            12" + System.lineSeparator()), whole);
    assertFalse(whole.contains(" of 12"), whole);
  }

  private static DemoSummary summary(int completed, int planned) {
    return new DemoSummary(
        4200,
        completed,
        planned,
        0.9,
        completed,
        100,
        100,
        0,
        0.9,
        50,
        "http://localhost:8080/",
        null);
  }
}
