package io.emotionstream.trainer;

import java.time.Duration;

/**
 * When a trainer retrains by itself because the served model's rolling accuracy has drifted down
 * ({@link DriftPolicy}). Off unless a threshold is given; either threshold alone suffices.
 *
 * @param pointsBelowValidation fire when the rolling accuracy is at least this many percentage
 *     points below the served checkpoint's validation accuracy; null for no such test
 * @param floor fire when the rolling accuracy is below this, in [0, 1]; null for no floor
 * @param sustained how long the condition must hold without a break before it fires
 * @param cooldown after a firing, how long before the next may come
 * @param minFrames labelled frames a report needs to count at all; fewer are noise
 * @param epochs epochs of the fine-tuning run an automatic RETRAIN asks for
 */
public record DriftRetraining(
    Double pointsBelowValidation,
    Double floor,
    Duration sustained,
    Duration cooldown,
    long minFrames,
    int epochs) {
  /**
   * The name automatic commands carry in {@code requestedBy}: how they are told from a person's.
   */
  public static final String REQUESTED_BY = "drift-policy";

  public static final int DEFAULT_SUSTAINED_SECONDS = 60;
  public static final int DEFAULT_COOLDOWN_MINUTES = 15;
  public static final long DEFAULT_MIN_FRAMES = 50;
  public static final int DEFAULT_EPOCHS = 3;

  public DriftRetraining {
    if (pointsBelowValidation != null
        && !(pointsBelowValidation > 0 && pointsBelowValidation <= 100)) {
      throw new IllegalArgumentException(
          "points below validation accuracy must be in (0, 100], got " + pointsBelowValidation);
    }
    if (floor != null && !(floor >= 0 && floor <= 1)) {
      throw new IllegalArgumentException("accuracy floor must be in [0, 1], got " + floor);
    }
    if (sustained == null || sustained.isNegative()) {
      throw new IllegalArgumentException("sustained time must not be negative, got " + sustained);
    }
    if (cooldown == null || cooldown.isNegative()) {
      throw new IllegalArgumentException("cool-down must not be negative, got " + cooldown);
    }
    if (minFrames < 1) {
      throw new IllegalArgumentException(
          "minimum labelled frames must be at least 1, got " + minFrames);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("retraining epochs must be at least 1, got " + epochs);
    }
  }

  /** No automatic retraining: the trainer only follows commands. */
  public static DriftRetraining disabled() {
    return new DriftRetraining(
        null,
        null,
        Duration.ofSeconds(DEFAULT_SUSTAINED_SECONDS),
        Duration.ofMinutes(DEFAULT_COOLDOWN_MINUTES),
        DEFAULT_MIN_FRAMES,
        DEFAULT_EPOCHS);
  }

  /**
   * Fires {@code points} percentage points below the validation accuracy; the other settings by
   * default.
   */
  public static DriftRetraining belowValidation(double points) {
    return disabled().withPointsBelowValidation(points);
  }

  /** Fires below the absolute accuracy {@code floor}; the other settings by default. */
  public static DriftRetraining below(double floor) {
    return disabled().withFloor(floor);
  }

  public boolean enabled() {
    return pointsBelowValidation != null || floor != null;
  }

  /** The policy in words, for the log. */
  public String describe() {
    if (!enabled()) {
      return "off";
    }
    String below =
        pointsBelowValidation == null
            ? "below " + floor
            : floor == null
                ? pointsBelowValidation + "+ points below its validation accuracy"
                : pointsBelowValidation
                    + "+ points below its validation accuracy or below "
                    + floor;
    return "fine-tune for "
        + epochs
        + " epoch(s) when the served version's rolling accuracy stays "
        + below
        + " for "
        + sustained.toSeconds()
        + " s (reports of "
        + minFrames
        + "+ labelled frames; cool-down "
        + cooldown.toSeconds()
        + " s)";
  }

  public DriftRetraining withPointsBelowValidation(Double value) {
    return new DriftRetraining(value, floor, sustained, cooldown, minFrames, epochs);
  }

  public DriftRetraining withFloor(Double value) {
    return new DriftRetraining(
        pointsBelowValidation, value, sustained, cooldown, minFrames, epochs);
  }

  public DriftRetraining withSustained(Duration value) {
    return new DriftRetraining(pointsBelowValidation, floor, value, cooldown, minFrames, epochs);
  }

  public DriftRetraining withCooldown(Duration value) {
    return new DriftRetraining(pointsBelowValidation, floor, sustained, value, minFrames, epochs);
  }

  public DriftRetraining withMinFrames(long value) {
    return new DriftRetraining(pointsBelowValidation, floor, sustained, cooldown, value, epochs);
  }

  public DriftRetraining withEpochs(int value) {
    return new DriftRetraining(pointsBelowValidation, floor, sustained, cooldown, minFrames, value);
  }
}
