package io.emotionstream.model;

/**
 * What one epoch achieved. Validation figures are NaN when the run has no validation set.
 *
 * @param epoch 1-based
 * @param imagesPerSecond training throughput of the epoch, validation excluded
 */
public record EpochResult(
    int epoch,
    int totalEpochs,
    double trainLoss,
    double trainAccuracy,
    double validationLoss,
    double validationAccuracy,
    double imagesPerSecond,
    int trainExamples) {

  public boolean hasValidation() {
    return !Double.isNaN(validationAccuracy);
  }
}
