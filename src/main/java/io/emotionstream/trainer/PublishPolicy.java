package io.emotionstream.trainer;

/** Which epochs of a run become checkpoints on the checkpoints topic. */
public enum PublishPolicy {
  /** Every completed epoch. */
  EVERY,
  /** Only an epoch whose validation accuracy beats every earlier epoch of the same run. */
  BEST;

  boolean publishes(double validationAccuracy, double bestSoFar) {
    // Without validation figures there is nothing to compare: every epoch counts as the best.
    return this == EVERY
        || Double.isNaN(validationAccuracy)
        || Double.isNaN(bestSoFar)
        || validationAccuracy > bestSoFar;
  }
}
