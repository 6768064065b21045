package io.emotionstream.monitor;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.data.FaceResizer;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.GrayImage;
import io.emotionstream.monitor.LiveSnapshot.AccuracyPoint;
import io.emotionstream.monitor.LiveSnapshot.CurrentModel;
import io.emotionstream.monitor.LiveSnapshot.EpochPoint;
import io.emotionstream.monitor.LiveSnapshot.EventRate;
import io.emotionstream.monitor.LiveSnapshot.RecentFrame;
import io.emotionstream.monitor.LiveSnapshot.RunProgress;
import io.emotionstream.monitor.LiveSnapshot.VersionAccuracy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state the monitor and the dashboard show, built from the records of the product's topics.
 * Pure: no Kafka, no clock of its own (callers pass the time), every collection bounded, so it runs
 * for weeks and tests drive it record by record. Thread-safe: one thread feeds it, renderers take
 * snapshots.
 */
public final class LiveView {
  private static final int MAX_VERSIONS = 20;
  private static final int MAX_WINDOWS_PER_VERSION = 120;
  private static final int MAX_RUNS = 20;
  private static final int MAX_SERVING_DECISIONS = 10;

  /**
   * Frames waiting for their event, and events for their frame: both topics are read at their own
   * pace.
   */
  private static final int MAX_UNMATCHED = 512;

  /** Frames can be any size: the waiting ones are bounded by bytes too. */
  private static final long MAX_UNMATCHED_BYTES = 32L * 1024 * 1024;

  private final int windowSeconds;
  private final int recentFrameCount;

  private final Map<String, CurrentModel> modelsByName = new LinkedHashMap<>();
  private final Map<String, ServingSummary> servingByName = new LinkedHashMap<>();
  private final Deque<ServingSummary> servingDecisions = new ArrayDeque<>();
  private final TreeMap<Long, TreeMap<Long, AccuracyPoint>> windowsByVersion = new TreeMap<>();
  private final LinkedHashMap<String, Run> runs = new LinkedHashMap<>();
  private final TreeMap<Long, long[]> eventsBySecond = new TreeMap<>();
  private long eventsSeen;
  private final Deque<Recent> recent = new ArrayDeque<>();
  private final LinkedHashMap<String, GrayImage> unmatchedFrames = new LinkedHashMap<>();
  private long unmatchedBytes;
  private final Map<String, Boolean> unmatchedEvents = bounded(MAX_UNMATCHED);
  private long unreadable;
  private String lastProblem;

  /**
   * @param eventWindow how far back events/s and the emotion distribution look
   * @param recentFrameCount how many classified frames the thumbnail strip keeps
   */
  public LiveView(Duration eventWindow, int recentFrameCount) {
    if (eventWindow.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "the event window must be at least 1s, got " + eventWindow);
    }
    if (recentFrameCount < 0) {
      throw new IllegalArgumentException("recent frame count must not be negative");
    }
    this.windowSeconds = (int) eventWindow.toSeconds();
    this.recentFrameCount = recentFrameCount;
  }

  public synchronized void onCheckpoint(ModelCheckpoint c) {
    CurrentModel known = modelsByName.get(c.getModelName());
    // Versions only grow; a replayed older record must not replace the newer one.
    if (known == null || c.getVersion() >= known.version()) {
      // A summary, not the record: the weights can be megabytes.
      modelsByName.put(
          c.getModelName(),
          new CurrentModel(
              c.getModelName(),
              c.getVersion(),
              c.getRunId(),
              c.getEpoch(),
              c.getTotalEpochs(),
              c.getTrainLoss(),
              c.getTrainAccuracy(),
              c.getValidationLoss(),
              c.getValidationAccuracy(),
              c.getHyperparameters().getOptimizer(),
              c.getHyperparameters().getLearningRate(),
              c.getHyperparameters().getBatchSize(),
              c.getCreatedTimeMs().toEpochMilli()));
    }
  }

  /**
   * A decision of the classifiers on what they serve; each one is kept as a summary without its
   * weights.
   */
  public synchronized void onServing(ServingState state) {
    ServingSummary decision = ServingSummary.of(state);
    servingByName.put(decision.modelName(), decision);
    ServingSummary before = servingDecisions.peekFirst();
    if (before != null && updates(decision, before)) {
      servingDecisions.removeFirst();
    }
    servingDecisions.addFirst(decision);
    while (servingDecisions.size() > MAX_SERVING_DECISIONS) {
      servingDecisions.removeLast();
    }
  }

  /**
   * Whether {@code later} only brings new figures to {@code earlier}, the same candidate still
   * scored beside the same served version: it replaces it, so a candidate re-scored often does not
   * push the promotions, rollbacks and refusals out of the short list.
   */
  private static boolean updates(ServingSummary later, ServingSummary earlier) {
    boolean scoring =
        later.decision() == ServingDecision.CANDIDATE || later.decision() == ServingDecision.KEPT;
    return scoring
        && later.decision() == earlier.decision()
        && later.commandId() == null
        && later.modelName().equals(earlier.modelName())
        && later.served().version() == earlier.served().version()
        && Objects.equals(later.candidateVersion(), earlier.candidateVersion());
  }

  public synchronized void onAccuracy(AccuracyReport report) {
    TreeMap<Long, AccuracyPoint> windows =
        windowsByVersion.computeIfAbsent(report.getModelVersion(), v -> new TreeMap<>());
    long start = report.getWindowStartMs().toEpochMilli();
    // A window is reported again each advance while frames land in it: the later report replaces
    // the earlier.
    windows.put(
        start,
        new AccuracyPoint(
            start,
            report.getWindowEndMs().toEpochMilli(),
            report.getTotal(),
            report.getCorrect(),
            report.getAccuracy()));
    while (windows.size() > MAX_WINDOWS_PER_VERSION) {
      windows.pollFirstEntry();
    }
    while (windowsByVersion.size() > MAX_VERSIONS) {
      windowsByVersion.pollFirstEntry();
    }
  }

  public synchronized void onStatus(TrainingStatus status) {
    Run run = runs.remove(status.getRunId());
    if (run == null) {
      run = new Run();
    }
    run.latest = status;
    if (status.getEpoch() > 0
        && (status.getTrainLoss() != null || status.getValidationLoss() != null)) {
      run.epochs.put(
          status.getEpoch(),
          new EpochPoint(
              status.getEpoch(),
              status.getTrainLoss(),
              status.getTrainAccuracy(),
              status.getValidationLoss(),
              status.getValidationAccuracy()));
    }
    runs.put(status.getRunId(), run); // re-inserted: most recently updated last
    if (runs.size() > MAX_RUNS) {
      runs.remove(runs.keySet().iterator().next());
    }
  }

  public synchronized void onEvent(EmotionEvent event) {
    eventsSeen++;
    long second = event.getClassifiedTimeMs().getEpochSecond();
    eventsBySecond
        .computeIfAbsent(second, s -> new long[Emotion.values().length])[
        event.getEmotion().ordinal()]++;
    // Without a clock here, prune against the newest second seen; snapshot() prunes against now.
    pruneBefore(eventsBySecond.lastKey() - windowSeconds * 4L);

    if (recentFrameCount == 0) {
      return;
    }
    GrayImage image = unmatchedFrames.remove(event.getFrameId());
    if (image != null) {
      unmatchedBytes -= image.pixels().length;
    } else {
      unmatchedEvents.put(event.getFrameId(), Boolean.TRUE);
    }
    recent.addFirst(new Recent(event, image));
    while (recent.size() > recentFrameCount) {
      recent.removeLast();
    }
  }

  /**
   * A frame from the frames topic, kept until its event is shown. It is scaled to a thumbnail only
   * when the page asks for it: most frames are never shown, and scaling every one would cost the
   * most CPU here.
   */
  public synchronized void onFrame(FaceFrame frame) {
    if (recentFrameCount == 0) {
      return;
    }
    GrayImage image = image(frame);
    if (unmatchedEvents.remove(frame.getFrameId()) != null) {
      for (Recent entry : recent) {
        if (entry.event.getFrameId().equals(frame.getFrameId())) {
          entry.image = image;
        }
      }
      return;
    }
    GrayImage replaced = unmatchedFrames.put(frame.getFrameId(), image);
    unmatchedBytes += image.pixels().length - (replaced == null ? 0 : replaced.pixels().length);
    var eldest = unmatchedFrames.entrySet().iterator();
    while (unmatchedFrames.size() > MAX_UNMATCHED || unmatchedBytes > MAX_UNMATCHED_BYTES) {
      unmatchedBytes -= eldest.next().getValue().pixels().length;
      eldest.remove();
    }
  }

  /** A record that could not be read; counted and shown, never fatal. */
  public synchronized void onUnreadable(String problem) {
    unreadable++;
    lastProblem = problem;
  }

  /**
   * The 48x48 thumbnail of a recent frame, if it is still in the strip and its pixels were read.
   */
  public synchronized Optional<GrayImage> thumbnail(String frameId) {
    for (Recent r : recent) {
      if (r.event.getFrameId().equals(frameId) && r.image != null) {
        if (r.image.width() != FaceSet.SIDE || r.image.height() != FaceSet.SIDE) {
          r.image =
              GrayImage.ofFace(FaceResizer.toFace(r.image)); // once; the strip holds the small one
        }
        return Optional.of(r.image);
      }
    }
    return Optional.empty();
  }

  public synchronized LiveSnapshot snapshot(Instant now) {
    long nowSecond = now.getEpochSecond();
    pruneBefore(nowSecond - windowSeconds * 4L);
    return new LiveSnapshot(
        now.toEpochMilli(),
        currentModel(),
        accuracy(),
        runsNewestFirst(),
        eventRate(nowSecond),
        recentFrames(),
        unreadable,
        lastProblem,
        List.of(),
        serving(),
        List.copyOf(servingDecisions));
  }

  private ServingSummary serving() {
    return servingByName.values().stream()
        .max(Comparator.comparingLong(ServingSummary::timeMs))
        .orElse(null);
  }

  private CurrentModel currentModel() {
    return modelsByName.values().stream()
        .max(
            Comparator.comparingLong(CurrentModel::createdTimeMs)
                .thenComparingLong(CurrentModel::version))
        .orElse(null);
  }

  private List<VersionAccuracy> accuracy() {
    List<VersionAccuracy> versions = new ArrayList<>();
    windowsByVersion
        .descendingMap()
        .forEach(
            (version, windows) ->
                versions.add(
                    new VersionAccuracy(
                        version, windows.lastEntry().getValue(), List.copyOf(windows.values()))));
    return versions;
  }

  private List<RunProgress> runsNewestFirst() {
    List<RunProgress> progress = new ArrayList<>();
    for (Run run : runs.values()) {
      TrainingStatus s = run.latest;
      progress.add(
          0,
          new RunProgress(
              s.getRunId(),
              s.getCommandId(),
              s.getState().name(),
              s.getEpoch(),
              s.getTotalEpochs(),
              s.getTrainLoss(),
              s.getTrainAccuracy(),
              s.getValidationLoss(),
              s.getValidationAccuracy(),
              s.getExamplesPerSecond(),
              s.getEtaSeconds(),
              s.getModelVersion(),
              s.getMessage(),
              s.getTimeMs().toEpochMilli(),
              List.copyOf(run.epochs.values())));
    }
    return progress;
  }

  private EventRate eventRate(long nowSecond) {
    long[] counts = new long[Emotion.values().length];
    // The window is the last windowSeconds whole seconds up to and including the current one.
    eventsBySecond
        .subMap(nowSecond - windowSeconds + 1, true, nowSecond, true)
        .values()
        .forEach(
            bucket -> {
              for (int i = 0; i < counts.length; i++) {
                counts[i] += bucket[i];
              }
            });
    Map<String, Long> byEmotion = new LinkedHashMap<>();
    long total = 0;
    for (Emotion emotion : Emotion.values()) {
      byEmotion.put(emotion.name(), counts[emotion.ordinal()]);
      total += counts[emotion.ordinal()];
    }
    return new EventRate(
        windowSeconds, total, (double) total / windowSeconds, byEmotion, eventsSeen);
  }

  private List<RecentFrame> recentFrames() {
    List<RecentFrame> frames = new ArrayList<>();
    for (Recent r : recent) {
      EmotionEvent e = r.event;
      frames.add(
          new RecentFrame(
              e.getFrameId(),
              e.getSourceId(),
              e.getEmotion().name(),
              e.getConfidence(),
              e.getLabel() == null ? null : e.getLabel().name(),
              e.getModelVersion(),
              e.getClassifiedTimeMs().toEpochMilli(),
              r.image != null));
    }
    return frames;
  }

  private void pruneBefore(long second) {
    eventsBySecond.headMap(second).clear();
  }

  private static GrayImage image(FaceFrame frame) {
    byte[] pixels = new byte[frame.getPixels().remaining()];
    frame.getPixels().duplicate().get(pixels);
    return new GrayImage(
        frame.getWidth(), frame.getHeight(), pixels); // refuses a wrong pixel count
  }

  private static <V> Map<String, V> bounded(int capacity) {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  private static final class Run {
    TrainingStatus latest;
    final TreeMap<Integer, EpochPoint> epochs = new TreeMap<>();
  }

  private static final class Recent {
    final EmotionEvent event;
    GrayImage image;

    Recent(EmotionEvent event, GrayImage image) {
      this.event = event;
      this.image = image;
    }
  }
}
