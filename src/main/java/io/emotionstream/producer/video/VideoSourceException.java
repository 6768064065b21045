package io.emotionstream.producer.video;

/**
 * A video source that cannot be opened or read, with what went wrong in words a user can act on.
 */
public final class VideoSourceException extends Exception {
  public VideoSourceException(String message, Throwable cause) {
    super(message, cause);
  }

  public VideoSourceException(String message) {
    super(message);
  }
}
