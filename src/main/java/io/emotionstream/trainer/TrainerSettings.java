package io.emotionstream.trainer;

import io.emotionstream.control.ModelNames;

/**
 * How a trainer runs, beyond where the cluster is.
 *
 * @param modelName the model it trains: the key of its commands and checkpoints
 * @param cacheLimit training examples kept in memory; past it each epoch streams the topic instead
 * @param shuffleBuffer faces held by the shuffle buffer when streaming
 * @param drift when it retrains by itself because the served model's accuracy drifted; off by
 *     default
 */
public record TrainerSettings(
    String modelName,
    PublishPolicy publish,
    int cacheLimit,
    int shuffleBuffer,
    DriftRetraining drift) {
  /** Room for FER2013 twice over in about 160 MB of compact bytes. */
  public static final int DEFAULT_CACHE_LIMIT = 70_000;

  public static final int DEFAULT_SHUFFLE_BUFFER = 10_000;

  public TrainerSettings {
    if (modelName == null || modelName.isBlank()) {
      throw new IllegalArgumentException("model name must not be empty");
    }
    if (cacheLimit < 0) {
      throw new IllegalArgumentException("cache limit must be at least 0, got " + cacheLimit);
    }
    if (shuffleBuffer < 1) {
      throw new IllegalArgumentException(
          "shuffle buffer must hold at least 1 face, got " + shuffleBuffer);
    }
    if (drift == null) {
      throw new IllegalArgumentException(
          "drift retraining must be given: DriftRetraining.disabled() turns it off");
    }
  }

  /** A trainer that retrains only on command. */
  public TrainerSettings(
      String modelName, PublishPolicy publish, int cacheLimit, int shuffleBuffer) {
    this(modelName, publish, cacheLimit, shuffleBuffer, DriftRetraining.disabled());
  }

  public static TrainerSettings defaults() {
    return new TrainerSettings(
        ModelNames.DEFAULT, PublishPolicy.EVERY, DEFAULT_CACHE_LIMIT, DEFAULT_SHUFFLE_BUFFER);
  }

  public TrainerSettings withModelName(String value) {
    return new TrainerSettings(value, publish, cacheLimit, shuffleBuffer, drift);
  }

  public TrainerSettings withPublish(PublishPolicy value) {
    return new TrainerSettings(modelName, value, cacheLimit, shuffleBuffer, drift);
  }

  public TrainerSettings withCacheLimit(int value) {
    return new TrainerSettings(modelName, publish, value, shuffleBuffer, drift);
  }

  public TrainerSettings withShuffleBuffer(int value) {
    return new TrainerSettings(modelName, publish, cacheLimit, value, drift);
  }

  public TrainerSettings withDrift(DriftRetraining value) {
    return new TrainerSettings(modelName, publish, cacheLimit, shuffleBuffer, value);
  }
}
