package io.emotionstream.classifier;

import io.emotionstream.control.ModelNames;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything that shapes the classifier's topology and its Kafka Streams instance.
 *
 * @param applicationId instances sharing it share the partitions of the frames topic
 * @param modelName the model served: the key of its checkpoints, serving decisions and commands
 * @param batchSize frames classified together at most
 * @param maxDelay a frame waits at most this long for its batch to fill; zero: a frame goes to
 *     inference at once when no batch is in inference, and batches form only from frames that come
 *     while one is
 * @param accuracyWindow size of the rolling-accuracy hopping windows, a whole number of advances
 * @param accuracyAdvance how far apart the windows start, and how often each changed window is
 *     reported
 * @param accuracyGrace how late a frame may arrive and still count in its window
 * @param processingGuarantee whether a crash may repeat events (at-least-once) or not
 *     (exactly-once)
 * @param commitInterval how often results are committed: under exactly-once, events become visible
 *     to read-committed consumers only then, so it bounds end-to-end latency from below; under
 *     at-least-once, it bounds how much is classified again after a crash
 * @param threads stream threads, each with its own predictor
 * @param stateDirectory where Kafka Streams keeps local state; null for its default
 * @param promotion when a new checkpoint is served
 * @param liveLearning whether labelled live frames become training examples
 */
public record ClassifierSettings(
    String applicationId,
    String modelName,
    int batchSize,
    Duration maxDelay,
    Duration accuracyWindow,
    Duration accuracyAdvance,
    Duration accuracyGrace,
    ProcessingGuarantee processingGuarantee,
    Duration commitInterval,
    int threads,
    Path stateDirectory,
    PromotionSettings promotion,
    LiveLearning liveLearning) {

  // The defaults, here once: the command line's options show and apply these same values. Durations
  // are
  // whole units so that a command-line default can be written from them as a constant ("60s").
  public static final String DEFAULT_APPLICATION_ID = "emotion-classifier";
  public static final int DEFAULT_BATCH_SIZE = 64;
  public static final long DEFAULT_MAX_DELAY_MS = 0;
  public static final int DEFAULT_ACCURACY_WINDOW_SECONDS = 60;
  public static final int DEFAULT_ACCURACY_ADVANCE_SECONDS = 10;
  public static final int DEFAULT_ACCURACY_GRACE_SECONDS = 10;
  public static final int DEFAULT_THREADS = 1;

  public ClassifierSettings {
    require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
    require(!maxDelay.isNegative(), "max delay must not be negative");
    require(
        accuracyAdvance.toMillis() > 0 && accuracyAdvance.compareTo(accuracyWindow) <= 0,
        "accuracy advance must be at least 1 ms and at most the window");
    // Rolling accuracy counts each frame once, in an advance-long slice; a window must be whole
    // slices.
    require(
        accuracyWindow.toMillis() % accuracyAdvance.toMillis() == 0,
        "accuracy window ("
            + accuracyWindow.toMillis()
            + " ms) must be a whole number of advances ("
            + accuracyAdvance.toMillis()
            + " ms)");
    require(!accuracyGrace.isNegative(), "accuracy grace must not be negative");
    require(threads >= 1, "threads must be at least 1");
    require(processingGuarantee != null, "a processing guarantee is required");
    require(promotion != null, "promotion settings are required");
    require(liveLearning != null, "live learning settings are required");
  }

  public static ClassifierSettings defaults() {
    return new ClassifierSettings(
        DEFAULT_APPLICATION_ID,
        ModelNames.DEFAULT,
        DEFAULT_BATCH_SIZE,
        Duration.ofMillis(DEFAULT_MAX_DELAY_MS),
        Duration.ofSeconds(DEFAULT_ACCURACY_WINDOW_SECONDS),
        Duration.ofSeconds(DEFAULT_ACCURACY_ADVANCE_SECONDS),
        Duration.ofSeconds(DEFAULT_ACCURACY_GRACE_SECONDS),
        ProcessingGuarantee.EXACTLY_ONCE,
        ProcessingGuarantee.EXACTLY_ONCE.defaultCommitInterval(),
        DEFAULT_THREADS,
        null,
        PromotionSettings.guarded(),
        LiveLearning.off());
  }

  public ClassifierSettings withApplicationId(String value) {
    Copy copy = new Copy(this);
    copy.applicationId = value;
    return copy.build();
  }

  public ClassifierSettings withBatching(int size, Duration delay) {
    Copy copy = new Copy(this);
    copy.batchSize = size;
    copy.maxDelay = delay;
    return copy.build();
  }

  public ClassifierSettings withAccuracyWindows(Duration window, Duration advance, Duration grace) {
    Copy copy = new Copy(this);
    copy.accuracyWindow = window;
    copy.accuracyAdvance = advance;
    copy.accuracyGrace = grace;
    return copy.build();
  }

  public ClassifierSettings withStateDirectory(Path value) {
    Copy copy = new Copy(this);
    copy.stateDirectory = value;
    return copy.build();
  }

  public ClassifierSettings withThreads(int value) {
    Copy copy = new Copy(this);
    copy.threads = value;
    return copy.build();
  }

  public ClassifierSettings withCommitInterval(Duration value) {
    Copy copy = new Copy(this);
    copy.commitInterval = value;
    return copy.build();
  }

  /**
   * This guarantee with its default commit interval; a {@link #withCommitInterval} after it chooses
   * another.
   */
  public ClassifierSettings withProcessingGuarantee(ProcessingGuarantee value) {
    Copy copy = new Copy(this);
    copy.processingGuarantee = value;
    copy.commitInterval = value.defaultCommitInterval();
    return copy.build();
  }

  public ClassifierSettings withPromotion(PromotionSettings value) {
    Copy copy = new Copy(this);
    copy.promotion = value;
    return copy.build();
  }

  public ClassifierSettings withLiveLearning(LiveLearning value) {
    Copy copy = new Copy(this);
    copy.liveLearning = value;
    return copy.build();
  }

  /** The settings as fields, so that each {@code with} method names only what it changes. */
  private static final class Copy {
    String applicationId;
    String modelName;
    int batchSize;
    Duration maxDelay;
    Duration accuracyWindow;
    Duration accuracyAdvance;
    Duration accuracyGrace;
    ProcessingGuarantee processingGuarantee;
    Duration commitInterval;
    int threads;
    Path stateDirectory;
    PromotionSettings promotion;
    LiveLearning liveLearning;

    Copy(ClassifierSettings settings) {
      applicationId = settings.applicationId;
      modelName = settings.modelName;
      batchSize = settings.batchSize;
      maxDelay = settings.maxDelay;
      accuracyWindow = settings.accuracyWindow;
      accuracyAdvance = settings.accuracyAdvance;
      accuracyGrace = settings.accuracyGrace;
      processingGuarantee = settings.processingGuarantee;
      commitInterval = settings.commitInterval;
      threads = settings.threads;
      stateDirectory = settings.stateDirectory;
      promotion = settings.promotion;
      liveLearning = settings.liveLearning;
    }

    ClassifierSettings build() {
      return new ClassifierSettings(
          applicationId,
          modelName,
          batchSize,
          maxDelay,
          accuracyWindow,
          accuracyAdvance,
          accuracyGrace,
          processingGuarantee,
          commitInterval,
          threads,
          stateDirectory,
          promotion,
          liveLearning);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
