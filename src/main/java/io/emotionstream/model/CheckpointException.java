package io.emotionstream.model;

/** A checkpoint file that cannot be read: corrupt, truncated, foreign, or of another architecture. */
public final class CheckpointException extends Exception {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
