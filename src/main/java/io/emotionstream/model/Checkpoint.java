package io.emotionstream.model;

/**
 * A trained Deep-Emotion model as it is saved and shipped: weights (BatchNorm running statistics
 * included), what it was trained with, and how far and how well. Metrics are NaN when unknown (for
 * instance weights imported from PyTorch).
 *
 * @param epoch epochs completed when it was taken (0 for imported weights)
 * @param optimizer the optimiser's state when it was taken, so a resumed run continues exactly;
 *     null when unknown (imported weights, checkpoints written before it was kept)
 */
public record Checkpoint(
    String architecture,
    int architectureVersion,
    Hyperparameters hyperparameters,
    int epoch,
    int totalEpochs,
    double trainLoss,
    double trainAccuracy,
    double validationLoss,
    double validationAccuracy,
    ModelWeights weights,
    OptimizerState optimizer) {

  /** A checkpoint of the current Deep-Emotion layout after {@code result}'s epoch. */
  public static Checkpoint of(
      ModelWeights weights,
      Hyperparameters hyperparameters,
      EpochResult result,
      OptimizerState optimizer) {
    return new Checkpoint(
        DeepEmotion.ARCHITECTURE,
        DeepEmotion.ARCHITECTURE_VERSION,
        hyperparameters,
        result.epoch(),
        result.totalEpochs(),
        result.trainLoss(),
        result.trainAccuracy(),
        result.validationLoss(),
        result.validationAccuracy(),
        weights,
        optimizer);
  }

  /** Weights with no training history, such as imported from the PyTorch reference. */
  public static Checkpoint untrained(ModelWeights weights, Hyperparameters hyperparameters) {
    return new Checkpoint(
        DeepEmotion.ARCHITECTURE,
        DeepEmotion.ARCHITECTURE_VERSION,
        hyperparameters,
        0,
        0,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        weights,
        null);
  }
}
