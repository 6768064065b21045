package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.EmotionEvent;

/** What classifying one frame yields; the topology routes each kind to its topic. */
sealed interface ClassifierOutput {

  record Classified(EmotionEvent event) implements ClassifierOutput {}

  record Refused(DeadLetter letter) implements ClassifierOutput {}

  /** A labelled frame's outcome, keyed by model version for the rolling accuracy. */
  record Scored(int actual, int predicted) implements ClassifierOutput {}
}
