package io.emotionstream.classifier;

import java.time.Duration;

/**
 * Whether labelled live frames are appended to the training topic, so that fine-tuning learns what
 * the cameras see.
 *
 * @param validationShare the share of them held out as VALIDATION, chosen by frame id so that a
 *     frame sent twice lands on the same side
 * @param dedupWindow how long a frame id is remembered: a frame sent again within it is not
 *     appended again
 */
public record LiveLearning(boolean enabled, double validationShare, Duration dedupWindow) {
  public static final double DEFAULT_VALIDATION_SHARE = 0.1;
  public static final int DEFAULT_DEDUP_WINDOW_HOURS = 1;

  public LiveLearning {
    if (!(validationShare >= 0 && validationShare < 1)) {
      throw new IllegalArgumentException(
          "the validation share of live frames must be in [0, 1), got " + validationShare);
    }
    if (dedupWindow.toMillis() < 1) {
      throw new IllegalArgumentException("the deduplication window must be at least 1 ms");
    }
  }

  public static LiveLearning off() {
    return new LiveLearning(
        false, DEFAULT_VALIDATION_SHARE, Duration.ofHours(DEFAULT_DEDUP_WINDOW_HOURS));
  }

  public static LiveLearning on() {
    return new LiveLearning(
        true, DEFAULT_VALIDATION_SHARE, Duration.ofHours(DEFAULT_DEDUP_WINDOW_HOURS));
  }
}
