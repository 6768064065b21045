package io.emotionstream.model;

/** Hears a training run's progress; both callbacks run on the training thread between batches. */
public interface TrainingListener {

  /** After each mini-batch of an epoch: {@code batch} of {@code batches} done (1-based). */
  default void batchFinished(int epoch, int batch, int batches, double batchLoss) {}

  /** After each completed epoch, validation included. */
  default void epochFinished(EpochResult result) {}
}
