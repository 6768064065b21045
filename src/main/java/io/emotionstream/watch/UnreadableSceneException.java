package io.emotionstream.watch;

/**
 * A scene whose picture does not decode: the watch logs it, counts it and goes on with the next.
 */
public final class UnreadableSceneException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnreadableSceneException(String message) {
    super(message);
  }

  public UnreadableSceneException(String message, Throwable cause) {
    super(message, cause);
  }
}
