package io.emotionstream.producer.video;

import java.time.Duration;

/**
 * One video run: the source, how faces are found, how fast it is read, what is kept.
 *
 * @param every keep every n-th decoded frame (1 keeps all)
 * @param limit stop after this many decoded frames; 0 for no limit
 * @param duration stop after this long; zero for no limit
 * @param reconnect open a live source again, with backoff, when it ends or fails
 * @param loop play a file again from its start when it ends (a recorded video as an endless camera)
 * @param queueCapacity decoded frames that may wait for detection
 */
public record VideoSettings(
    VideoSourceSpec source,
    DetectionSettings detection,
    Pacing pacing,
    int every,
    long limit,
    Duration duration,
    boolean reconnect,
    boolean loop,
    int queueCapacity,
    ScenePublishing scenes) {
  public static final int DEFAULT_QUEUE = 4;

  public VideoSettings {
    if (every < 1) {
      throw new IllegalArgumentException("--every must be at least 1, got " + every);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must not be negative, got " + limit);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("--duration must not be negative, got " + duration);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("--queue must be at least 1, got " + queueCapacity);
    }
  }

  /** Every frame of the source, at its own pace, faces found with the seed's parameters. */
  public static VideoSettings of(VideoSourceSpec source) {
    return new VideoSettings(
        source,
        DetectionSettings.seed(),
        Pacing.ownRate(),
        1,
        0,
        Duration.ZERO,
        false,
        false,
        DEFAULT_QUEUE,
        ScenePublishing.off());
  }

  public VideoSettings withPacing(Pacing pacing) {
    return new VideoSettings(
        source, detection, pacing, every, limit, duration, reconnect, loop, queueCapacity, scenes);
  }

  public VideoSettings withScenes(ScenePublishing scenes) {
    return new VideoSettings(
        source, detection, pacing, every, limit, duration, reconnect, loop, queueCapacity, scenes);
  }

  public VideoSettings withReconnect(boolean reconnect) {
    return new VideoSettings(
        source, detection, pacing, every, limit, duration, reconnect, loop, queueCapacity, scenes);
  }

  public VideoSettings withDetection(DetectionSettings detection) {
    return new VideoSettings(
        source, detection, pacing, every, limit, duration, reconnect, loop, queueCapacity, scenes);
  }

  public VideoSettings withLoop(boolean loop) {
    return new VideoSettings(
        source, detection, pacing, every, limit, duration, reconnect, loop, queueCapacity, scenes);
  }

  public VideoSettings withLimit(long limit) {
    return new VideoSettings(
        source, detection, pacing, every, limit, duration, reconnect, loop, queueCapacity, scenes);
  }
}
