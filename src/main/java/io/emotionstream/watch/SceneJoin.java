package io.emotionstream.watch;

import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.SceneFace;
import io.emotionstream.avro.SceneFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Joins classified faces ({@code emotion.events}) back to the scene frames they were found in
 * ({@code emotion.scenes}) by source id and scene index. The two topics are read at their own pace,
 * so either side may come first.
 *
 * <p>A scene is emitted once all its {@code faceCount} events are in (at once for a scene without
 * faces), or with the events it has when it waited {@link Limits#sceneWait} or when a scene at
 * least {@link Limits#supersedeAfter} frames newer of the same source is complete. Each source's
 * scenes are emitted in increasing scene index: a complete scene waits behind an older one still
 * waiting, and a scene or event older than the last one emitted is late and dropped (counted). A
 * scene whose index is not above the last emitted but whose capture time is later means the source
 * started over (a restarted producer counts frames from 0 again): what the old run left is emitted,
 * and the source begins anew.
 *
 * <p>Events whose scene was never published (scenes can be published at a lower rate than frames)
 * must not pile up: a source's scenes are the records of one key, hence in order, so when scene n
 * arrives the events still waiting for a scene before n will never get one and go. Waiting events
 * also expire after {@link Limits#eventWait}, and every holding is bounded (scenes per source,
 * scene bytes, waiting events, sources), the oldest going first.
 *
 * <p>Pure: no Kafka, no clock of its own (callers pass the time in milliseconds). Not thread-safe:
 * one thread owns it (a {@link WatchFeed}'s).
 */
public final class SceneJoin {

  /**
   * @param sceneWait how long a scene waits for its events
   * @param eventWait how long an event waits for its scene
   * @param supersedeAfter a complete scene this many frames newer releases an older one still
   *     waiting
   * @param maxScenesPerSource scenes waiting per source
   * @param maxSceneBytes JPEG bytes of the waiting scenes of every source together
   * @param maxWaitingEvents events waiting for their scene, every source together
   * @param maxSources sources tracked; the least recently active goes first
   */
  public record Limits(
      Duration sceneWait,
      Duration eventWait,
      int supersedeAfter,
      int maxScenesPerSource,
      long maxSceneBytes,
      int maxWaitingEvents,
      int maxSources) {
    public static final Duration DEFAULT_SCENE_WAIT = Duration.ofSeconds(2);
    public static final int DEFAULT_SUPERSEDE_AFTER = 10;

    public Limits {
      if (sceneWait.isNegative() || eventWait.isNegative()) {
        throw new IllegalArgumentException("waits must not be negative");
      }
      if (supersedeAfter < 1
          || maxScenesPerSource < 1
          || maxSceneBytes < 1
          || maxWaitingEvents < 0
          || maxSources < 1) {
        throw new IllegalArgumentException(
            "limits must be positive: "
                + supersedeAfter
                + ", "
                + maxScenesPerSource
                + ", "
                + maxSceneBytes
                + ", "
                + maxWaitingEvents
                + ", "
                + maxSources);
      }
    }

    /**
     * Events wait longer than scenes: while a viewer catches up on a topic, events run ahead of the
     * bigger scenes.
     */
    public static Limits of(Duration sceneWait, int supersedeAfter) {
      Duration eventWait =
          sceneWait.multipliedBy(5).compareTo(Duration.ofSeconds(10)) > 0
              ? sceneWait.multipliedBy(5)
              : Duration.ofSeconds(10);
      return new Limits(sceneWait, eventWait, supersedeAfter, 128, 64L * 1024 * 1024, 4096, 256);
    }

    public static Limits defaults() {
      return of(DEFAULT_SCENE_WAIT, DEFAULT_SUPERSEDE_AFTER);
    }
  }

  /**
   * What the join did with what it was fed, since it was made.
   *
   * @param scenes scenes emitted, complete or not
   * @param incomplete scenes emitted with events missing
   * @param lateScenes scenes older than one already emitted of their source, dropped
   * @param duplicateScenes a scene already waiting, fed again, dropped
   * @param lateEvents events of a scene already emitted, dropped
   * @param duplicateEvents an event of a face already in, fed again, dropped
   * @param eventsWithoutScene events of faces not found in a video (no scene position), ignored
   * @param unmatchedEvents events whose scene never came (not published, expired or pushed out),
   *     dropped
   * @param invalidEvents events whose face index does not fit their scene, dropped
   */
  public record Counts(
      long scenes,
      long incomplete,
      long lateScenes,
      long duplicateScenes,
      long lateEvents,
      long duplicateEvents,
      long eventsWithoutScene,
      long unmatchedEvents,
      long invalidEvents) {}

  private final Limits limits;
  private final long sceneWaitMs;
  private final long eventWaitMs;

  /** The least recently active source first. */
  private final LinkedHashMap<String, Source> sources = new LinkedHashMap<>();

  private final LinkedHashMap<SceneKey, Pending> pendingByArrival = new LinkedHashMap<>();
  private final LinkedHashMap<SceneKey, Waiting> waitingByArrival = new LinkedHashMap<>();
  private long pendingBytes;
  private int waitingEvents;

  private long scenes;
  private long incomplete;
  private long lateScenes;
  private long duplicateScenes;
  private long lateEvents;
  private long duplicateEvents;
  private long eventsWithoutScene;
  private long unmatchedEvents;
  private long invalidEvents;

  public SceneJoin(Limits limits) {
    this.limits = limits;
    this.sceneWaitMs = limits.sceneWait().toMillis();
    this.eventWaitMs = limits.eventWait().toMillis();
  }

  /** A scene frame; returns the scenes it completes or releases, each source's in index order. */
  public List<AnnotatedScene> onScene(SceneFrame scene, long nowMs) {
    List<AnnotatedScene> out = new ArrayList<>();
    Source source = source(scene.getSourceId(), out);
    long index = scene.getSceneIndex();
    long capture = scene.getCaptureTimeMs().toEpochMilli();
    if (source.alreadyPast(index)) {
      if (capture <= source.lastCaptureMs) {
        lateScenes++;
        return out;
      }
      emitAll(source, out);
      source.startOver();
      dropWaiting(source, waiting -> waiting < capture, Long.MAX_VALUE);
    }
    if (source.scenes.containsKey(index)) {
      duplicateScenes++;
      return out;
    }
    dropWaiting(source, waiting -> true, index);
    source.newestScene = Math.max(source.newestScene, index);

    Pending pending = new Pending(scene, nowMs);
    Waiting waiting = source.waiting.get(index);
    if (waiting != null) {
      removeWaiting(source, index);
      waiting.faces.values().forEach(pending::add);
    }
    source.scenes.put(index, pending);
    pendingByArrival.put(new SceneKey(source.id, index), pending);
    pendingBytes += pending.bytes;

    release(source, nowMs, out);
    while (source.scenes.size() > limits.maxScenesPerSource()) {
      emitHead(source, out);
    }
    while (pendingBytes > limits.maxSceneBytes()) {
      SceneKey oldest = pendingByArrival.keySet().iterator().next();
      emitThrough(sources.get(oldest.sourceId()), oldest.sceneIndex(), out);
    }
    return out;
  }

  /**
   * A classified face; returns the scenes it completes or releases, each source's in index order.
   */
  public List<AnnotatedScene> onEvent(EmotionEvent event, long nowMs) {
    SceneFace face = event.getScene();
    if (face == null) {
      eventsWithoutScene++;
      return List.of();
    }
    List<AnnotatedScene> out = new ArrayList<>();
    Source source = source(event.getSourceId(), out);
    long index = face.getSceneIndex();
    if (source.alreadyPast(index)) {
      if (event.getCaptureTimeMs().toEpochMilli() <= source.lastCaptureMs) {
        lateEvents++;
        return out;
      }
      // else from a run that started over, whose first scene has not come yet: it waits like any
      // other
    } else {
      Pending pending = source.scenes.get(index);
      if (pending != null) {
        pending.add(event);
        release(source, nowMs, out);
        return out;
      }
      if (index < source.newestScene) {
        unmatchedEvents++; // a newer scene came, and scenes come in order: this one was not
        // published
        return out;
      }
    }
    if (face.getFaceIndex() < 0 || face.getFaceIndex() >= face.getFaceCount()) {
      invalidEvents++;
      return out;
    }
    Waiting waiting = source.waiting.get(index);
    if (waiting == null) {
      waiting = new Waiting(nowMs, event.getCaptureTimeMs().toEpochMilli());
      source.waiting.put(index, waiting);
      waitingByArrival.put(new SceneKey(source.id, index), waiting);
    }
    if (waiting.faces.putIfAbsent(face.getFaceIndex(), event) != null) {
      duplicateEvents++;
      return out;
    }
    waitingEvents++;
    while (waitingEvents > limits.maxWaitingEvents()) {
      SceneKey oldest = waitingByArrival.keySet().iterator().next();
      unmatchedEvents +=
          removeWaiting(sources.get(oldest.sourceId()), oldest.sceneIndex()).faces.size();
    }
    return out;
  }

  /**
   * Releases the scenes that waited long enough and drops the events that did; call it every so
   * often.
   */
  public List<AnnotatedScene> expire(long nowMs) {
    List<AnnotatedScene> out = new ArrayList<>();
    for (Source source : List.copyOf(sources.values())) {
      release(source, nowMs, out);
    }
    Iterator<Map.Entry<SceneKey, Waiting>> eldest = waitingByArrival.entrySet().iterator();
    while (eldest.hasNext()) {
      Map.Entry<SceneKey, Waiting> entry = eldest.next();
      if (nowMs - entry.getValue().arrivedMs < eventWaitMs) {
        break; // arrival order: the rest are younger
      }
      eldest.remove();
      sources.get(entry.getKey().sourceId()).waiting.remove(entry.getKey().sceneIndex());
      waitingEvents -= entry.getValue().faces.size();
      unmatchedEvents += entry.getValue().faces.size();
    }
    return out;
  }

  /** Every scene still waiting, as it is (the watch is ending); waiting events are dropped. */
  public List<AnnotatedScene> flush() {
    List<AnnotatedScene> out = new ArrayList<>();
    for (Source source : List.copyOf(sources.values())) {
      emitAll(source, out);
      dropWaiting(source, waiting -> true, Long.MAX_VALUE);
    }
    return out;
  }

  /** Events waiting for their scene now. */
  public int waitingEvents() {
    return waitingEvents;
  }

  /** Scenes waiting for their events now. */
  public int pendingScenes() {
    return pendingByArrival.size();
  }

  /** JPEG bytes held by the waiting scenes. */
  public long pendingBytes() {
    return pendingBytes;
  }

  public int sources() {
    return sources.size();
  }

  public Counts counts() {
    return new Counts(
        scenes,
        incomplete,
        lateScenes,
        duplicateScenes,
        lateEvents,
        duplicateEvents,
        eventsWithoutScene,
        unmatchedEvents,
        invalidEvents);
  }

  private Source source(String id, List<AnnotatedScene> out) {
    Source source = sources.remove(id);
    if (source == null) {
      source = new Source(id);
    }
    sources.put(id, source); // the most recently active last
    if (sources.size() > limits.maxSources()) {
      Source eldest = sources.values().iterator().next();
      emitAll(eldest, out);
      dropWaiting(eldest, waiting -> true, Long.MAX_VALUE);
      sources.remove(eldest.id);
    }
    return source;
  }

  /** Emits from the head of the source while the head may go. */
  private void release(Source source, long nowMs, List<AnnotatedScene> out) {
    while (!source.scenes.isEmpty()) {
      Pending head = source.scenes.firstEntry().getValue();
      boolean due =
          head.complete()
              || nowMs - head.arrivedMs >= sceneWaitMs
              || completeFrom(source, head.scene.getSceneIndex() + limits.supersedeAfter());
      if (!due) {
        return;
      }
      emitHead(source, out);
    }
  }

  private static boolean completeFrom(Source source, long index) {
    for (Pending pending : source.scenes.tailMap(index, true).values()) {
      if (pending.complete()) {
        return true;
      }
    }
    return false;
  }

  private void emitThrough(Source source, long index, List<AnnotatedScene> out) {
    while (!source.scenes.isEmpty() && source.scenes.firstKey() <= index) {
      emitHead(source, out);
    }
  }

  private void emitAll(Source source, List<AnnotatedScene> out) {
    while (!source.scenes.isEmpty()) {
      emitHead(source, out);
    }
  }

  private void emitHead(Source source, List<AnnotatedScene> out) {
    Pending head = source.scenes.pollFirstEntry().getValue();
    long index = head.scene.getSceneIndex();
    pendingByArrival.remove(new SceneKey(source.id, index));
    pendingBytes -= head.bytes;
    source.emitted(index, head.scene.getCaptureTimeMs().toEpochMilli());
    AnnotatedScene annotated = new AnnotatedScene(head.scene, List.copyOf(head.faces.values()));
    scenes++;
    if (!annotated.complete()) {
      incomplete++;
    }
    out.add(annotated);
  }

  /**
   * Drops the source's waiting events of scenes before {@code beforeIndex} that first came at a
   * capture time passing the test.
   */
  private void dropWaiting(Source source, LongPredicate captureMs, long beforeIndex) {
    for (Long index : List.copyOf(source.waiting.headMap(beforeIndex, false).keySet())) {
      if (captureMs.test(source.waiting.get(index).captureMs)) {
        unmatchedEvents += removeWaiting(source, index).faces.size();
      }
    }
  }

  private Waiting removeWaiting(Source source, long index) {
    Waiting waiting = source.waiting.remove(index);
    waitingByArrival.remove(new SceneKey(source.id, index));
    waitingEvents -= waiting.faces.size();
    return waiting;
  }

  private record SceneKey(String sourceId, long sceneIndex) {}

  private static final class Source {
    final String id;
    final TreeMap<Long, Pending> scenes = new TreeMap<>();
    final TreeMap<Long, Waiting> waiting = new TreeMap<>();
    boolean emittedAny;
    long lastIndex;
    long newestScene = -1;
    long lastCaptureMs = Long.MIN_VALUE;

    Source(String id) {
      this.id = id;
    }

    boolean alreadyPast(long index) {
      return emittedAny && index <= lastIndex;
    }

    void emitted(long index, long captureMs) {
      emittedAny = true;
      lastIndex = index;
      lastCaptureMs = captureMs;
    }

    void startOver() {
      emittedAny = false;
      newestScene = -1;
    }
  }

  /** A scene waiting for its events, by face index. */
  private final class Pending {
    final SceneFrame scene;
    final long arrivedMs;
    final long bytes;
    final TreeMap<Integer, EmotionEvent> faces = new TreeMap<>();

    Pending(SceneFrame scene, long arrivedMs) {
      this.scene = scene;
      this.arrivedMs = arrivedMs;
      this.bytes = scene.getJpeg().remaining();
    }

    void add(EmotionEvent event) {
      int face = event.getScene().getFaceIndex();
      if (face < 0 || face >= scene.getFaces().size()) {
        invalidEvents++;
      } else if (faces.putIfAbsent(face, event) != null) {
        duplicateEvents++;
      }
    }

    boolean complete() {
      return faces.size() >= scene.getFaces().size();
    }
  }

  /** Events of one scene that has not come (yet), by face index. */
  private static final class Waiting {
    final long arrivedMs;
    final long captureMs;
    final TreeMap<Integer, EmotionEvent> faces = new TreeMap<>();

    Waiting(long arrivedMs, long captureMs) {
      this.arrivedMs = arrivedMs;
      this.captureMs = captureMs;
    }
  }
}
