package io.emotionstream.data;

import java.util.Random;

/**
 * Where a training run's faces come from, epoch after epoch: held in memory, or read from a topic.
 */
public interface TrainingFaces {

  /** Starts an epoch: its training faces, in an order drawn from {@code random}. */
  EpochBatches nextEpoch(Random random);

  /** The validation faces as of the epoch just ended; may be empty. */
  FaceSet validation();

  /** Where the faces are, for messages. */
  String describe();

  /** Faces held in memory; {@code validation} may be null (then there is none). */
  static TrainingFaces of(FaceSet training, FaceSet validation) {
    FaceSet held = validation == null ? new FaceSet() : validation;
    return new TrainingFaces() {
      @Override
      public EpochBatches nextEpoch(Random random) {
        return new ShuffledFaces(training, random);
      }

      @Override
      public FaceSet validation() {
        return held;
      }

      @Override
      public String describe() {
        return training.size() + " training and " + held.size() + " validation faces";
      }
    };
  }
}
