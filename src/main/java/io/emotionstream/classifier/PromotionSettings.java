package io.emotionstream.classifier;

import io.emotionstream.avro.PromotionPolicy;
import java.time.Duration;

/**
 * When a new checkpoint is served.
 *
 * @param policy LATEST serves each new checkpoint at once; GUARDED first scores it as a candidate
 *     in shadow and promotes it when it is not worse than the served model on the same labelled
 *     frames; MANUAL scores it the same way and waits for {@code emotion promote}
 * @param minFrames labelled frames both models must have classified before the guarded policy
 *     judges
 * @param margin how much lower the candidate's accuracy may be than the served model's and still be
 *     promoted
 * @param labelWait how long a candidate waits for a first labelled frame before its validation
 *     accuracy, against the served model's, decides instead
 */
public record PromotionSettings(
    PromotionPolicy policy, int minFrames, double margin, Duration labelWait) {
  public static final int DEFAULT_MIN_FRAMES = 200;
  public static final double DEFAULT_MARGIN = 0.02;
  public static final int DEFAULT_LABEL_WAIT_SECONDS = 60;

  public PromotionSettings {
    if (policy == null) {
      throw new IllegalArgumentException("a promotion policy is required");
    }
    if (minFrames < 1) {
      throw new IllegalArgumentException(
          "promotion min frames must be at least 1, got " + minFrames);
    }
    if (!(margin >= 0 && margin < 1)) {
      throw new IllegalArgumentException("promotion margin must be in [0, 1), got " + margin);
    }
    if (labelWait.isNegative()) {
      throw new IllegalArgumentException("the wait for labelled frames must not be negative");
    }
  }

  public static PromotionSettings guarded() {
    return new PromotionSettings(
        PromotionPolicy.GUARDED,
        DEFAULT_MIN_FRAMES,
        DEFAULT_MARGIN,
        Duration.ofSeconds(DEFAULT_LABEL_WAIT_SECONDS));
  }

  public static PromotionSettings of(PromotionPolicy policy) {
    return new PromotionSettings(
        policy, DEFAULT_MIN_FRAMES, DEFAULT_MARGIN, Duration.ofSeconds(DEFAULT_LABEL_WAIT_SECONDS));
  }

  public PromotionSettings withMinFrames(int value) {
    return new PromotionSettings(policy, value, margin, labelWait);
  }
}
