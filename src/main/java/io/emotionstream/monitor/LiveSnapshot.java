package io.emotionstream.monitor;

import java.util.List;
import java.util.Map;

/**
 * What the system looks like at one instant, as read from its topics: immutable, so a renderer
 * (terminal or web) can take its time over it. Times are epoch milliseconds; absent values are
 * null.
 *
 * @param serving the latest serving decision: what the classifiers serve, the candidate, the policy
 * @param servingDecisions the latest serving decisions, newest first
 */
public record LiveSnapshot(
    long timeMs,
    CurrentModel currentModel,
    List<VersionAccuracy> accuracy,
    List<RunProgress> runs,
    EventRate events,
    List<RecentFrame> recentFrames,
    long unreadableRecords,
    String lastProblem,
    List<VideoSource> videoSources,
    ServingSummary serving,
    List<ServingSummary> servingDecisions) {

  /**
   * The same snapshot with the live video's sources, which the dashboard reads apart from this
   * view.
   */
  public LiveSnapshot withVideoSources(List<VideoSource> sources) {
    return new LiveSnapshot(
        timeMs,
        currentModel,
        accuracy,
        runs,
        events,
        recentFrames,
        unreadableRecords,
        lastProblem,
        List.copyOf(sources),
        serving,
        servingDecisions);
  }

  /**
   * The newest checkpoint and how it scored when it was taken. Under a promotion policy other than
   * LATEST it may be a candidate, not what serves: {@link #serving} says.
   */
  public record CurrentModel(
      String modelName,
      long version,
      String runId,
      int epoch,
      int totalEpochs,
      Double trainLoss,
      Double trainAccuracy,
      Double validationLoss,
      Double validationAccuracy,
      String optimizer,
      double learningRate,
      int batchSize,
      long createdTimeMs) {}

  /** Rolling accuracy of one model version: its most recent window and the windows before it. */
  public record VersionAccuracy(
      long modelVersion, AccuracyPoint latest, List<AccuracyPoint> history) {}

  public record AccuracyPoint(
      long windowStartMs, long windowEndMs, long total, long correct, double accuracy) {}

  /** The latest status of one training run and its per-epoch curves. */
  public record RunProgress(
      String runId,
      String commandId,
      String state,
      int epoch,
      int totalEpochs,
      Double trainLoss,
      Double trainAccuracy,
      Double validationLoss,
      Double validationAccuracy,
      Double examplesPerSecond,
      Double etaSeconds,
      Long modelVersion,
      String message,
      long timeMs,
      List<EpochPoint> epochs) {}

  public record EpochPoint(
      int epoch,
      Double trainLoss,
      Double trainAccuracy,
      Double validationLoss,
      Double validationAccuracy) {}

  /**
   * Events classified in the last {@code windowSeconds}, by emotion in FER2013 order.
   *
   * @param totalSeen every event read since the view started, in or out of the window
   */
  public record EventRate(
      int windowSeconds,
      long count,
      double perSecond,
      Map<String, Long> byEmotion,
      long totalSeen) {}

  /**
   * One of the most recent classified frames, newest first; {@code hasImage} once its frame was
   * read.
   */
  public record RecentFrame(
      String frameId,
      String sourceId,
      String emotion,
      float confidence,
      String label,
      long modelVersion,
      long classifiedTimeMs,
      boolean hasImage) {}

  /**
   * A source with an annotated picture at {@code /video/{sourceId}.mjpg}: its latest scene and the
   * labels of the faces classified in it.
   */
  public record VideoSource(
      String sourceId,
      long sceneIndex,
      long sceneTimeMs,
      int faceCount,
      List<String> faces,
      long updatedTimeMs) {}
}
