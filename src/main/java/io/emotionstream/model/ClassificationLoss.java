package io.emotionstream.model;

import ai.djl.ndarray.NDArray;

/**
 * Mean cross-entropy of logits against class indices, optionally label-smoothed as torch's {@code
 * F.cross_entropy(label_smoothing=s)}: the target puts 1 - s on the true class and s spread evenly
 * over all classes.
 */
final class ClassificationLoss {
  private ClassificationLoss() {}

  /**
   * @param labels (N) int64 class indices; @return scalar mean loss
   */
  static NDArray mean(NDArray logits, NDArray labels, float smoothing) {
    NDArray logProbabilities = logits.logSoftmax(1);
    NDArray truth = logProbabilities.gather(labels.reshape(-1, 1), 1).reshape(-1);
    if (smoothing == 0f) {
      return truth.mean().neg();
    }
    long classes = logits.getShape().get(1);
    NDArray uniform =
        logProbabilities.sum(new int[] {1}).mul(Scalars.like(logits, smoothing / classes));
    return truth.mul(Scalars.like(logits, 1 - smoothing)).add(uniform).mean().neg();
  }
}
