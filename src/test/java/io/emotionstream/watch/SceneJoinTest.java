package io.emotionstream.watch;

import static io.emotionstream.testing.SceneRecords.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.data.Region;
import io.emotionstream.testing.SceneRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SceneJoinTest {
  private static final long WAIT_MS = 2000;
  private static final long EVENT_WAIT_MS = 10_000;
  private static final byte[] JPEG = new byte[1000]; // the join never looks inside
  private static final Region BOX = new Region(100, 100, 80, 80);

  private final SceneJoin join = new SceneJoin(SceneJoin.Limits.defaults());
  private final List<AnnotatedScene> emitted = new ArrayList<>();

  private static SceneFrame scene(long index, int faces) {
    return SceneRecords.scene("cam", index, faces, JPEG);
  }

  private static EmotionEvent event(long index, int face, int faces) {
    return SceneRecords.event("cam", index, face, faces, Emotion.values()[face % 7], 0.5f, BOX);
  }

  private void feed(Object record, long nowMs) {
    emitted.addAll(
        record instanceof SceneFrame s
            ? join.onScene(s, nowMs)
            : join.onEvent((EmotionEvent) record, nowMs));
  }

  private List<Long> emittedIndexes() {
    return emitted.stream().map(AnnotatedScene::sceneIndex).toList();
  }

  private static List<Integer> faceIndexes(AnnotatedScene scene) {
    return scene.faces().stream().map(e -> e.getScene().getFaceIndex()).toList();
  }

  @Test
  void aSceneIsEmittedOnceEveryFaceHasItsEventWithTheFacesInIndexOrder() {
    feed(scene(0, 3), 0);
    feed(event(0, 2, 3), 10);
    feed(event(0, 0, 3), 20);
    assertTrue(emitted.isEmpty(), "one face still missing");
    feed(event(0, 1, 3), 30);

    assertEquals(1, emitted.size());
    assertEquals(List.of(0, 1, 2), faceIndexes(emitted.get(0)));
    assertTrue(emitted.get(0).complete());
    assertEquals(0, join.pendingScenes());
    assertEquals(0, join.waitingEvents());
  }

  @Test
  void everyOrderOfASceneAndItsEventsGivesTheSameOneCompleteScene() {
    List<Object> records = List.of(scene(7, 3), event(7, 0, 3), event(7, 1, 3), event(7, 2, 3));
    List<List<Object>> orders = permutations(records);
    assertEquals(24, orders.size());
    for (List<Object> order : orders) {
      SceneJoin fresh = new SceneJoin(SceneJoin.Limits.defaults());
      List<AnnotatedScene> out = new ArrayList<>();
      for (Object record : order) {
        out.addAll(
            record instanceof SceneFrame s
                ? fresh.onScene(s, 0)
                : fresh.onEvent((EmotionEvent) record, 0));
      }
      assertEquals(1, out.size(), order.toString());
      assertEquals(List.of(0, 1, 2), faceIndexes(out.get(0)), order.toString());
      assertEquals(
          0, fresh.pendingScenes() + fresh.waitingEvents(), "nothing left behind: " + order);
    }
  }

  @Test
  void aSceneWithoutFacesIsEmittedAtOnce() {
    feed(scene(0, 0), 0);
    assertEquals(List.of(0L), emittedIndexes());
    assertTrue(emitted.get(0).complete());
    assertEquals("cam scene 0 at 0.000 s: no face", emitted.get(0).describe());
  }

  @Test
  void aSceneMissingAnEventIsEmittedWithWhatItHasOnceItHasWaited() {
    feed(scene(0, 2), 1000);
    feed(event(0, 1, 2), 1100);
    emitted.addAll(join.expire(1000 + WAIT_MS - 1));
    assertTrue(emitted.isEmpty());

    emitted.addAll(join.expire(1000 + WAIT_MS));
    assertEquals(1, emitted.size());
    assertFalse(emitted.get(0).complete());
    assertEquals(List.of(1), faceIndexes(emitted.get(0)));
    assertTrue(
        emitted.get(0).describe().endsWith("(1 of 2 faces classified)"), emitted.get(0).describe());
    assertEquals(1, join.counts().incomplete());

    feed(event(0, 0, 2), 5000); // the missing one, too late
    assertEquals(1, emitted.size());
    assertEquals(1, join.counts().lateEvents());
  }

  @Test
  void completeScenesWaitBehindAnOlderOneUntilOneEnoughFramesNewerIsCompleteThenAllGoInOrder() {
    int n = SceneJoin.Limits.DEFAULT_SUPERSEDE_AFTER;
    feed(scene(0, 2), 0);
    feed(event(0, 0, 2), 0); // face 1 of scene 0 is lost
    for (int i = 1; i < n; i++) {
      feed(scene(i, 1), i);
      feed(event(i, 0, 1), i);
    }
    assertTrue(
        emitted.isEmpty(), "scenes 1.." + (n - 1) + " are complete but must not overtake scene 0");

    feed(scene(n, 1), n);
    feed(event(n, 0, 1), n);
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i <= n; i++) {
      expected.add(i);
    }
    assertEquals(expected, emittedIndexes());
    assertFalse(emitted.get(0).complete());
  }

  @Test
  void neverGoesBackInTime() {
    feed(scene(5, 1), 0);
    feed(event(5, 0, 1), 0);
    feed(scene(3, 1), 10); // older than what was shown, same run (earlier capture)
    feed(event(3, 0, 1), 10);
    feed(scene(5, 1), 20); // shown already
    feed(event(5, 0, 1), 20);

    assertEquals(List.of(5L), emittedIndexes());
    assertEquals(2, join.counts().lateScenes());
    assertEquals(2, join.counts().lateEvents());
  }

  @Test
  void theSameEventTwiceCountsOnceWhetherItWaitedForItsSceneOrNot() {
    feed(event(0, 0, 2), 0);
    feed(event(0, 0, 2), 1);
    assertEquals(1, join.waitingEvents());
    feed(scene(0, 2), 2);
    feed(event(0, 0, 2), 3);
    assertTrue(emitted.isEmpty(), "a duplicate must not stand in for the missing face");
    feed(event(0, 1, 2), 4);

    assertEquals(1, emitted.size());
    assertEquals(List.of(0, 1), faceIndexes(emitted.get(0)));
    assertEquals(2, join.counts().duplicateEvents());
  }

  @Test
  void eventsOfScenesNeverPublishedDoNotPileUp() {
    // Scenes published at a tenth of the frame rate: events for frames 0..999, scenes 0, 10, 20, …;
    // a scene comes before its event as often as after.
    for (int i = 0; i < 1000; i++) {
      boolean published = i % 10 == 0;
      if (published && i % 20 == 0) {
        feed(scene(i, 1), i);
      }
      feed(event(i, 0, 1), i);
      if (published && i % 20 != 0) {
        feed(scene(i, 1), i);
      }
      assertTrue(
          join.waitingEvents() <= 10, "at frame " + i + ": " + join.waitingEvents() + " waiting");
    }
    assertEquals(100, emitted.size());
    assertTrue(emitted.stream().allMatch(AnnotatedScene::complete));
    assertEquals(
        891, join.counts().unmatchedEvents(), "frames 991..999 still wait for a scene after them");
    assertEquals(9, join.waitingEvents());

    feed(scene(1000, 2), 1000); // the next scene published: frames 991..999 will have none
    assertEquals(0, join.waitingEvents());
    assertEquals(900, join.counts().unmatchedEvents());
    feed(event(995, 0, 1), 1001); // after a newer scene came: dropped at once
    assertEquals(0, join.waitingEvents());
    assertEquals(901, join.counts().unmatchedEvents());
    feed(event(985, 0, 1), 1002); // older than a scene shown: late
    assertEquals(1, join.counts().lateEvents());
  }

  @Test
  void waitingEventsExpireAndAreBoundedOldestFirst() {
    SceneJoin small =
        new SceneJoin(
            new SceneJoin.Limits(
                Duration.ofMillis(WAIT_MS),
                Duration.ofMillis(EVENT_WAIT_MS),
                10,
                64,
                1 << 20,
                5,
                16));
    for (int i = 0; i < 8; i++) {
      small.onEvent(SceneRecords.event("cam-" + (i % 2), i, 0, 1, Emotion.SAD, 0.5f, BOX), i);
    }
    assertEquals(5, small.waitingEvents());
    assertEquals(3, small.counts().unmatchedEvents());
    // the three oldest went: their scenes find nothing
    assertTrue(small.onScene(SceneRecords.scene("cam-0", 2, 1, JPEG), 100).isEmpty());
    assertEquals(1, small.onScene(SceneRecords.scene("cam-1", 3, 1, JPEG), 100).size());

    small.expire(4 + EVENT_WAIT_MS);
    assertEquals(3, small.waitingEvents(), "the events that came at 4 or earlier expired");
    small.expire(7 + EVENT_WAIT_MS);
    assertEquals(0, small.waitingEvents());
  }

  @Test
  void waitingScenesAreBoundedPerSourceAndInBytesTheOldestGoingFirstWithWhatItHas() {
    SceneJoin small =
        new SceneJoin(
            new SceneJoin.Limits(
                Duration.ofMillis(WAIT_MS),
                Duration.ofMillis(EVENT_WAIT_MS),
                100,
                4,
                6 * JPEG.length,
                100,
                16));
    List<AnnotatedScene> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      out.addAll(small.onScene(SceneRecords.scene("a", i, 1, JPEG), i));
    }
    assertEquals(
        List.of(0L, 1L), out.stream().map(AnnotatedScene::sceneIndex).toList(), "four per source");
    assertEquals(4, small.pendingScenes());
    for (int i = 0; i < 3; i++) {
      out.addAll(small.onScene(SceneRecords.scene("b", i, 1, JPEG), 10 + i));
    }
    assertEquals(6 * JPEG.length, small.pendingBytes());
    assertEquals(
        List.of(0L, 1L, 2L),
        out.stream().filter(s -> s.sourceId().equals("a")).map(AnnotatedScene::sceneIndex).toList(),
        "over the byte bound the oldest scene went");
    assertTrue(out.stream().noneMatch(AnnotatedScene::complete));
  }

  @Test
  void sourcesAreBoundedTheLeastRecentlyActiveGoingFirstWithWhatItWaitedFor() {
    SceneJoin small =
        new SceneJoin(
            new SceneJoin.Limits(
                Duration.ofMillis(WAIT_MS),
                Duration.ofMillis(EVENT_WAIT_MS),
                10,
                64,
                1 << 20,
                100,
                3));
    List<AnnotatedScene> out = new ArrayList<>();
    out.addAll(small.onScene(SceneRecords.scene("a", 0, 1, JPEG), 0));
    out.addAll(small.onScene(SceneRecords.scene("b", 0, 1, JPEG), 1));
    out.addAll(small.onScene(SceneRecords.scene("c", 0, 1, JPEG), 2));
    out.addAll(
        small.onScene(
            SceneRecords.scene("a", 1, 1, JPEG), 3)); // a is active again: b is the eldest
    out.addAll(small.onEvent(SceneRecords.event("d", 5, 0, 1, Emotion.SAD, 0.5f, BOX), 4));
    out.addAll(small.onScene(SceneRecords.scene("e", 0, 1, JPEG), 5));

    assertEquals(3, small.sources());
    assertEquals(
        List.of("b:0", "c:0"), out.stream().map(s -> s.sourceId() + ":" + s.sceneIndex()).toList());
  }

  @Test
  void eachSourceWaitsOnlyForItsOwnEvents() {
    feed(scene(0, 1), 0);
    emitted.addAll(join.onScene(SceneRecords.scene("other", 0, 1, JPEG), 0));
    emitted.addAll(join.onEvent(SceneRecords.event("other", 0, 0, 1, Emotion.FEAR, 0.6f, BOX), 1));
    assertEquals(List.of("other"), emitted.stream().map(AnnotatedScene::sourceId).toList());
  }

  @Test
  void aSourceThatStartsOverFromFrameZeroIsShownAgain() {
    for (int i = 0; i < 5; i++) {
      feed(scene(i, 1), i);
      feed(event(i, 0, 1), i);
    }
    Instant later = T0.plusSeconds(60);
    // The restarted producer's first event comes before its first scene.
    feed(SceneRecords.event("cam", 0, 0, 1, Emotion.HAPPY, 0.9f, BOX, later), 100);
    feed(SceneRecords.scene("cam", 0, 1, JPEG, later), 101);

    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 0L), emittedIndexes());
    assertEquals(Emotion.HAPPY, emitted.get(5).faces().get(0).getEmotion());
    assertEquals(0, join.counts().lateScenes() + join.counts().lateEvents());
  }

  @Test
  void flushHandsOverEveryWaitingSceneInOrderAndDropsWaitingEvents() {
    feed(scene(0, 1), 0);
    feed(scene(1, 2), 0);
    feed(event(1, 0, 2), 0);
    feed(event(9, 0, 1), 0);
    assertTrue(emitted.isEmpty());

    List<AnnotatedScene> flushed = join.flush();
    assertEquals(List.of(0L, 1L), flushed.stream().map(AnnotatedScene::sceneIndex).toList());
    assertEquals(List.of(0), faceIndexes(flushed.get(1)));
    assertEquals(0, join.pendingScenes() + join.waitingEvents());
  }

  @Test
  void eventsOfFacesNotFromAVideoAndEventsThatDoNotFitTheirSceneAreLeftOut() {
    EmotionEvent plain = SceneRecords.event("cam", 0, 0, 1, Emotion.SAD, 0.5f, BOX);
    plain.setScene(null);
    feed(plain, 0);
    feed(scene(0, 1), 0);
    feed(event(0, 3, 4), 0); // face 3 of a scene the producer says has 1
    assertTrue(emitted.isEmpty());
    assertEquals(1, join.counts().eventsWithoutScene());
    assertEquals(1, join.counts().invalidEvents());
  }

  private static List<List<Object>> permutations(List<Object> items) {
    if (items.isEmpty()) {
      return List.of(List.of());
    }
    List<List<Object>> all = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<Object> rest = new ArrayList<>(items);
      Object first = rest.remove(i);
      for (List<Object> tail : permutations(rest)) {
        List<Object> order = new ArrayList<>();
        order.add(first);
        order.addAll(tail);
        all.add(order);
      }
    }
    return all;
  }
}
