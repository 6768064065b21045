package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.ServingState;

/** What the classifier's processors yield; the topology routes each kind to its topic. */
sealed interface ClassifierOutput {

  record Classified(EmotionEvent event) implements ClassifierOutput {}

  record Refused(DeadLetter letter) implements ClassifierOutput {}

  /** A labelled frame's outcome, keyed by model version for the rolling accuracy. */
  record Scored(int actual, int predicted) implements ClassifierOutput {}

  /**
   * One batch's labelled frames as the served model and the candidate classified them, keyed by
   * model name for the promotion task.
   */
  record Compared(
      long candidateVersion,
      long servingVersion,
      int frames,
      int candidateCorrect,
      int servingCorrect)
      implements ClassifierOutput {}

  /** A labelled live frame to learn from, keyed by frame id. */
  record Learned(String frameId, String sourceId, Emotion label, byte[] face)
      implements ClassifierOutput {}

  /** A serving decision, keyed by model name. */
  record Decided(ServingState state) implements ClassifierOutput {}
}
