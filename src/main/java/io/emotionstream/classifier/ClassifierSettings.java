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
    return new ClassifierSettings(
        value,
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

  public ClassifierSettings withBatching(int size, Duration delay) {
    return new ClassifierSettings(
        applicationId,
        modelName,
        size,
        delay,
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

  public ClassifierSettings withAccuracyWindows(Duration window, Duration advance, Duration grace) {
    return new ClassifierSettings(
        applicationId,
        modelName,
        batchSize,
        maxDelay,
        window,
        advance,
        grace,
        processingGuarantee,
        commitInterval,
        threads,
        stateDirectory,
        promotion,
        liveLearning);
  }

  public ClassifierSettings withStateDirectory(Path value) {
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
        value,
        promotion,
        liveLearning);
  }

  public ClassifierSettings withThreads(int value) {
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
        value,
        stateDirectory,
        promotion,
        liveLearning);
  }

  public ClassifierSettings withCommitInterval(Duration value) {
    return new ClassifierSettings(
        applicationId,
        modelName,
        batchSize,
        maxDelay,
        accuracyWindow,
        accuracyAdvance,
        accuracyGrace,
        processingGuarantee,
        value,
        threads,
        stateDirectory,
        promotion,
        liveLearning);
  }

  /**
   * This guarantee with its default commit interval; a {@link #withCommitInterval} after it chooses
   * another.
   */
  public ClassifierSettings withProcessingGuarantee(ProcessingGuarantee value) {
    return new ClassifierSettings(
        applicationId,
        modelName,
        batchSize,
        maxDelay,
        accuracyWindow,
        accuracyAdvance,
        accuracyGrace,
        value,
        value.defaultCommitInterval(),
        threads,
        stateDirectory,
        promotion,
        liveLearning);
  }

  public ClassifierSettings withPromotion(PromotionSettings value) {
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
        value,
        liveLearning);
  }

  public ClassifierSettings withLiveLearning(LiveLearning value) {
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
        value);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
