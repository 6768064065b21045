package io.emotionstream.trainer;

import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingStatus;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the trainer has done, as told by the statuses it committed: so the figures agree with the
 * trainer-status topic, and a status of an aborted transaction never counts.
 */
public final class TrainerMetrics {
  private final Map<RunState, Long> statuses = new EnumMap<>(RunState.class);
  private double trainLoss = Double.NaN;
  private double validationAccuracy = Double.NaN;
  private double examplesPerSecond = Double.NaN;
  private long modelVersion = -1;
  private long batches;
  private long skippedBatches;
  private long driftReports;
  private long automaticRetrains;

  synchronized void recordCommitted(TrainingStatus status) {
    statuses.merge(status.getState(), 1L, Long::sum);
    if (status.getState() == RunState.EPOCH_COMPLETED) {
      trainLoss = orNaN(status.getTrainLoss());
      validationAccuracy = orNaN(status.getValidationAccuracy());
      examplesPerSecond = orNaN(status.getExamplesPerSecond());
    }
    if (status.getModelVersion() != null) {
      modelVersion = Math.max(modelVersion, status.getModelVersion());
    }
  }

  /**
   * Counts one mini-batch trained. Unlike the other figures this one is live, not committed: it
   * shows progress within an epoch, whose statuses come only at its end.
   */
  synchronized void recordBatch(boolean updateSkipped) {
    batches++;
    if (updateSkipped) {
      skippedBatches++;
    }
  }

  /**
   * Counts one accuracy report read by the drift policy, whether it counted or not. Live, like
   * batches.
   */
  synchronized void recordDriftReport() {
    driftReports++;
  }

  synchronized void recordAutomaticRetrain() {
    automaticRetrains++;
  }

  /**
   * Accuracy reports the drift policy has read since this trainer started; 0 when the policy is
   * off.
   */
  public synchronized long driftReports() {
    return driftReports;
  }

  /** RETRAIN commands the drift policy has sent since this trainer started. */
  public synchronized long automaticRetrains() {
    return automaticRetrains;
  }

  /** Mini-batches trained since this trainer started, in every run. */
  public synchronized long batches() {
    return batches;
  }

  /**
   * Mini-batches whose update was skipped because their gradients were not finite
   * (TrainingLoop#step).
   */
  public synchronized long skippedBatches() {
    return skippedBatches;
  }

  /** How many statuses of {@code state} this trainer committed: EPOCH_COMPLETED counts epochs. */
  public synchronized long statuses(RunState state) {
    return statuses.getOrDefault(state, 0L);
  }

  public synchronized double lastTrainLoss() {
    return trainLoss;
  }

  public synchronized double lastValidationAccuracy() {
    return validationAccuracy;
  }

  public synchronized double lastExamplesPerSecond() {
    return examplesPerSecond;
  }

  /** The newest checkpoint version this trainer published; -1 before any. */
  public synchronized long modelVersion() {
    return modelVersion;
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }
}
