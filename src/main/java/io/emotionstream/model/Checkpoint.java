package io.emotionstream.model;

import java.util.Map;

/**
 * A trained network with what is needed to trust and reproduce it: which architecture, how it was
 * trained, how well it did, and its weights (BatchNorm running statistics included).
 *
 * @param hyperparameters by name (epochs, learningRate, …) as text
 * @param metrics such as trainLoss, validationAccuracy; absent ones are left out
 */
public record Checkpoint(
    String architecture,
    int architectureVersion,
    int epoch,
    Map<String, String> hyperparameters,
    Map<String, Double> metrics,
    ModelWeights weights) {

  public Checkpoint {
    hyperparameters = Map.copyOf(hyperparameters);
    metrics = Map.copyOf(metrics);
  }

  /** A checkpoint of the Deep-Emotion network. */
  public static Checkpoint of(int epoch, Map<String, String> hyperparameters, Map<String, Double> metrics,
      ModelWeights weights) {
    return new Checkpoint(DeepEmotion.ARCHITECTURE, DeepEmotion.ARCHITECTURE_VERSION, epoch, hyperparameters,
        metrics, weights);
  }
}
