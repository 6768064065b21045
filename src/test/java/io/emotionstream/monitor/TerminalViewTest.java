package io.emotionstream.monitor;

import static io.emotionstream.monitor.MonitorRecords.accuracy;
import static io.emotionstream.monitor.MonitorRecords.event;
import static io.emotionstream.monitor.MonitorRecords.status;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.testing.ServingRecords;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TerminalViewTest {
  private static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");

  private static LiveSnapshot snapshot() {
    LiveView view = new LiveView(Duration.ofSeconds(10), 0);
    view.onAccuracy(accuracy(7, NOW.minusSeconds(60), 200, 150));
    view.onStatus(status("run-x", RunState.EPOCH_COMPLETED, 5, 10, 0.8, 0.6, NOW));
    view.onEvent(event("f", Emotion.FEAR, 0.9f, 7, NOW, null));
    return view.snapshot(NOW);
  }

  @Test
  void aTerminalGetsAClearedScreenWithColouredBars() {
    String screen = new TerminalView(true).render(snapshot());
    assertTrue(screen.startsWith("\033[H\033[2J"), "redraws in place");
    assertTrue(screen.contains("█"), screen);
    assertTrue(screen.contains("75.0% 150/200"), screen);
  }

  @Test
  void plainOutputHasNoEscapeCodesAndHalfABarForHalfTheEpochs() {
    String text = new TerminalView(false).render(snapshot());
    assertFalse(text.contains("\033"), text);
    assertTrue(
        text.contains("run-x EPOCH_COMPLETED [" + "#".repeat(15) + ".".repeat(15) + "] epoch 5/10"),
        text);
    assertTrue(text.contains("1100 ex/s  eta 1m0s"), text);
    assertTrue(text.contains("events: 0.1/s over the last 10s (1; 1 since start)"), text);
    assertTrue(text.contains("model: no checkpoint yet"), text);
  }

  @Test
  void showsWhatServesTheCandidateAndTheLatestDecisionsAndMarksTheirAccuracyLines() {
    LiveView view = new LiveView(Duration.ofSeconds(10), 0);
    view.onAccuracy(accuracy(8, NOW.minusSeconds(60), 100, 70));
    view.onAccuracy(accuracy(7, NOW.minusSeconds(60), 200, 150));
    view.onAccuracy(accuracy(6, NOW.minusSeconds(60), 100, 50));
    view.onServing(
        ServingRecords.decision(
                ServingDecision.KEPT,
                ServingRecords.checkpoint(7, 0.64),
                "candidate 70.0% is not better yet",
                NOW)
            .setCandidateVersion(8L)
            .setComparedFrames(100)
            .setCandidateAccuracy(0.70)
            .setServingAccuracy(0.75)
            .build());

    String text = new TerminalView(false).render(view.snapshot(NOW));
    assertTrue(
        text.contains(
            "serving: deep-emotion v7  policy GUARDED  candidate version 8, scored in shadow: "
                + "70.0% against 75.0% for version 7 on 100 labelled frames\n"),
        text);
    assertTrue(
        text.matches(
            "(?s).*\n  \\d\\d:\\d\\d:\\d\\d KEPT        v7 candidate v8: candidate 70.0% is not better yet\n.*"),
        text);
    assertTrue(text.matches("(?s).*\n  v8 .* 70/100  window \\S+  candidate\n.*"), text);
    assertTrue(text.matches("(?s).*\n  v7 .* 150/200  window \\S+  serving\n.*"), text);
    assertTrue(text.matches("(?s).*\n  v6 .* 50/100  window \\S+\n.*"), text);
  }
}
