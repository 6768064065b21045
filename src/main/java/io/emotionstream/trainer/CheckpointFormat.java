package io.emotionstream.trainer;

import io.emotionstream.model.Hyperparameters;
import io.emotionstream.model.ModelWeights;

/**
 * The bytes a {@code ModelCheckpoint} carries in {@code weights}: a self-describing checkpoint file.
 * The trainer writes them, {@code publish-checkpoint} checks a file before sending it, and a resumed
 * or fine-tuned run reads them back.
 */
public interface CheckpointFormat {

  /** What a checkpoint file holds that a run needs to continue from it. */
  record Contents(ModelWeights weights, Hyperparameters hyperparameters) {}

  byte[] encode(ModelWeights weights, Hyperparameters hyperparameters);

  /** @throws IllegalArgumentException saying what is wrong with the bytes */
  Contents decode(byte[] file);
}
