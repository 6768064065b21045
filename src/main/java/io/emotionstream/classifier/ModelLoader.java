package io.emotionstream.classifier;

import io.emotionstream.avro.ModelCheckpoint;

/**
 * Turns a checkpoint into a classifier, refusing one that is corrupt or of another architecture.
 */
@FunctionalInterface
public interface ModelLoader {

  /**
   * @throws RefusedCheckpointException with the reason in words
   */
  FaceClassifier load(ModelCheckpoint checkpoint);

  /** A checkpoint that cannot be served. */
  final class RefusedCheckpointException extends RuntimeException {
    public RefusedCheckpointException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
