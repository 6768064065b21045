package io.emotionstream.monitor;

import static io.emotionstream.monitor.MonitorRecords.accuracy;
import static io.emotionstream.monitor.MonitorRecords.checkpoint;
import static io.emotionstream.monitor.MonitorRecords.event;
import static io.emotionstream.monitor.MonitorRecords.frame;
import static io.emotionstream.monitor.MonitorRecords.status;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.data.GrayImage;
import io.emotionstream.monitor.LiveSnapshot.RunProgress;
import io.emotionstream.monitor.LiveSnapshot.VersionAccuracy;
import io.emotionstream.testing.ServingRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveViewTest {
  private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

  @Test
  void showsTheMostRecentWindowOfEveryModelVersionNewestVersionFirst() {
    LiveView view = new LiveView(Duration.ofSeconds(60), 0);
    view.onAccuracy(accuracy(1, T0, 100, 50));
    view.onAccuracy(accuracy(1, T0.plusSeconds(10), 100, 60));
    view.onAccuracy(accuracy(2, T0, 40, 30));
    view.onAccuracy(
        accuracy(
            1, T0, 200, 120)); // a later report of an earlier window replaces it, not the latest

    List<VersionAccuracy> versions = view.snapshot(T0).accuracy();
    assertEquals(List.of(2L, 1L), versions.stream().map(VersionAccuracy::modelVersion).toList());
    assertEquals(0.75, versions.get(0).latest().accuracy(), 1e-9);
    assertEquals(0.6, versions.get(1).latest().accuracy(), 1e-9);
    assertEquals(
        List.of(0.6, 0.6), versions.get(1).history().stream().map(p -> p.accuracy()).toList());
  }

  @Test
  void countsEventsPerSecondAndEmotionsOverTheWindowOnly() {
    LiveView view = new LiveView(Duration.ofSeconds(10), 0);
    view.onEvent(event("old", Emotion.SAD, 0.9f, 1, T0.minusSeconds(30), null));
    for (int i = 0; i < 15; i++) {
      view.onEvent(event("h" + i, Emotion.HAPPY, 0.9f, 1, T0.minusSeconds(i % 5), null));
    }
    for (int i = 0; i < 5; i++) {
      view.onEvent(event("a" + i, Emotion.ANGRY, 0.8f, 1, T0.minusSeconds(9), null));
    }

    LiveSnapshot.EventRate rate = view.snapshot(T0).events();
    assertEquals(20, rate.count());
    assertEquals(2.0, rate.perSecond(), 1e-9);
    assertEquals(15L, rate.byEmotion().get("HAPPY"));
    assertEquals(5L, rate.byEmotion().get("ANGRY"));
    assertEquals(0L, rate.byEmotion().get("SAD"));
    assertEquals(21, rate.totalSeen());
    assertEquals(
        List.of(Emotion.values()).stream().map(Enum::name).toList(),
        List.copyOf(rate.byEmotion().keySet()));
    assertEquals(0, view.snapshot(T0.plusSeconds(11)).events().count());
  }

  @Test
  void keepsTheLatestStatusOfEachRunAndItsEpochCurves() {
    LiveView view = new LiveView(Duration.ofSeconds(60), 0);
    view.onStatus(status("r1", RunState.STARTED, 0, 3, null, null, T0));
    view.onStatus(status("r1", RunState.EPOCH_COMPLETED, 1, 3, 1.5, 0.30, T0.plusSeconds(1)));
    view.onStatus(status("r2", RunState.QUEUED, 0, 5, null, null, T0.plusSeconds(2)));
    view.onStatus(status("r1", RunState.EPOCH_COMPLETED, 2, 3, 1.2, 0.45, T0.plusSeconds(3)));

    List<RunProgress> runs = view.snapshot(T0).runs();
    assertEquals(List.of("r1", "r2"), runs.stream().map(RunProgress::runId).toList());
    RunProgress r1 = runs.get(0);
    assertEquals("EPOCH_COMPLETED", r1.state());
    assertEquals(2, r1.epoch());
    assertEquals(
        List.of(1.5, 1.2), r1.epochs().stream().map(LiveSnapshot.EpochPoint::trainLoss).toList());
    assertTrue(runs.get(1).epochs().isEmpty());
  }

  @Test
  void theCurrentModelIsTheNewestCheckpointAndAnOlderReplayDoesNotReplaceIt() {
    LiveView view = new LiveView(Duration.ofSeconds(60), 0);
    assertNull(view.snapshot(T0).currentModel());
    view.onCheckpoint(checkpoint("deep-emotion", 3, 0.61, T0));
    view.onCheckpoint(checkpoint("deep-emotion", 2, 0.55, T0.minusSeconds(60)));

    LiveSnapshot.CurrentModel model = view.snapshot(T0).currentModel();
    assertEquals(3, model.version());
    assertEquals(0.61, model.validationAccuracy(), 1e-9);
    assertEquals("adam", model.optimizer());
  }

  @Test
  void keepsTheLatestServingDecisionAndTheLastTenWithARescoredCandidateReplacingItsEarlierScore() {
    LiveView view = new LiveView(Duration.ofSeconds(60), 0);
    assertNull(view.snapshot(T0).serving());
    ModelCheckpoint v6 = ServingRecords.checkpoint(6, 0.61);
    ModelCheckpoint v7 = ServingRecords.checkpoint(7, 0.64);
    view.onServing(ServingRecords.decision(ServingDecision.FIRST_MODEL, v6, "first", T0).build());
    view.onServing(
        ServingRecords.decision(ServingDecision.CANDIDATE, v6, "v7 in shadow", T0.plusSeconds(1))
            .setCandidateVersion(7L)
            .build());
    for (int frames = 100; frames <= 300; frames += 100) {
      view.onServing(
          ServingRecords.decision(
                  ServingDecision.KEPT, v6, frames + " frames: worse", T0.plusSeconds(frames))
              .setCandidateVersion(7L)
              .setComparedFrames(frames)
              .build());
    }
    view.onServing(
        ServingRecords.decision(
                ServingDecision.PROMOTED, v7, "promoted by hand", T0.plusSeconds(400))
            .setPrevious(v6)
            .setCommandId("c-1")
            .build());

    LiveSnapshot snapshot = view.snapshot(T0);
    ServingSummary serving = snapshot.serving();
    assertEquals(7, serving.served().version());
    assertEquals(6, serving.previous().version());
    assertEquals(ServingDecision.PROMOTED, serving.decision());
    assertEquals("c-1", serving.commandId());
    assertEquals(
        List.of("PROMOTED v7", "KEPT v6", "CANDIDATE v6", "FIRST_MODEL v6"),
        snapshot.servingDecisions().stream()
            .map(d -> d.decision() + " v" + d.served().version())
            .toList());
    assertEquals(
        300,
        snapshot.servingDecisions().get(1).comparedFrames(),
        "the latest score of the candidate");

    for (int i = 0; i < 12; i++) {
      view.onServing(
          ServingRecords.decision(ServingDecision.REFUSED, v7, "no " + i, T0.plusSeconds(500 + i))
              .setCommandId("r-" + i)
              .build());
    }
    List<ServingSummary> decisions = view.snapshot(T0).servingDecisions();
    assertEquals(10, decisions.size());
    assertEquals("no 11", decisions.get(0).reason());
  }

  @Test
  void joinsFramesAndEventsByFrameIdInEitherOrderAndKeepsOnlyTheNewest() {
    LiveView view = new LiveView(Duration.ofSeconds(60), 2);
    byte[] face = new byte[48 * 48];
    face[0] = 7;
    view.onFrame(frame("f1", 48, 48, face)); // frame before its event
    view.onEvent(event("f1", Emotion.FEAR, 0.7f, 1, T0, Emotion.FEAR));
    view.onEvent(event("f2", Emotion.SAD, 0.6f, 1, T0, null)); // event before its frame
    assertFalse(view.snapshot(T0).recentFrames().get(0).hasImage());
    view.onFrame(frame("f2", 96, 64, new byte[96 * 64])); // any size: kept as a 48x48 thumbnail

    List<LiveSnapshot.RecentFrame> recent = view.snapshot(T0).recentFrames();
    assertEquals(
        List.of("f2", "f1"), recent.stream().map(LiveSnapshot.RecentFrame::frameId).toList());
    assertTrue(recent.stream().allMatch(LiveSnapshot.RecentFrame::hasImage));
    assertArrayEquals(face, view.thumbnail("f1").orElseThrow().pixels());
    GrayImage scaled = view.thumbnail("f2").orElseThrow();
    assertEquals(48, scaled.width());
    assertEquals(48, scaled.height());

    view.onEvent(event("f3", Emotion.HAPPY, 0.9f, 1, T0, null));
    assertEquals(
        List.of("f3", "f2"),
        view.snapshot(T0).recentFrames().stream().map(LiveSnapshot.RecentFrame::frameId).toList());
    assertTrue(view.thumbnail("f1").isEmpty());
  }

  @Test
  void forgetsTheOldestWaitingFramesOnceTheirBytesPassTheBoundAndRefusesAWrongPixelCount() {
    LiveView view = new LiveView(Duration.ofSeconds(60), 4);
    for (int i = 0;
        i < 60;
        i++) { // 60 frames of 1 MB: more than the 32 MB kept for frames without events
      view.onFrame(frame("big-" + i, 1024, 1024, new byte[1024 * 1024]));
    }
    view.onEvent(event("big-0", Emotion.SAD, 0.5f, 1, T0, null));
    view.onEvent(event("big-59", Emotion.SAD, 0.5f, 1, T0, null));
    assertTrue(view.thumbnail("big-0").isEmpty(), "the oldest waiting frame was let go");
    GrayImage kept = view.thumbnail("big-59").orElseThrow();
    assertEquals(48, kept.width(), "scaled to a thumbnail when asked for");

    IllegalArgumentException wrong =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> view.onFrame(frame("bad", 48, 48, new byte[100])));
    assertTrue(wrong.getMessage().contains("needs 2304 bytes, got 100"), wrong.getMessage());
  }

  @Test
  void countsUnreadableRecordsAndKeepsTheLastProblem() {
    LiveView view = new LiveView(Duration.ofSeconds(60), 0);
    view.onUnreadable("emotion.events-0@4: unknown magic byte");
    view.onUnreadable("emotion.events-0@9: truncated");
    LiveSnapshot snapshot = view.snapshot(T0);
    assertEquals(2, snapshot.unreadableRecords());
    assertEquals("emotion.events-0@9: truncated", snapshot.lastProblem());
  }
}
