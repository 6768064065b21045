package io.emotionstream.model;

import java.io.IOException;

/**
 * A checkpoint that cannot be used: not a checkpoint, truncated, corrupted, or of another model.
 */
public final class CheckpointException extends IOException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
