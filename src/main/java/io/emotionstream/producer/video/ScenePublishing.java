package io.emotionstream.producer.video;

/**
 * Whether whole frames go to the scenes topic as JPEG, for viewers that draw the classified faces
 * on them (a camera can be opened by one process only, so the producer is the one that can share
 * them).
 *
 * @param maxRate at most this many frames a second; 0 publishes every frame that was searched for
 *     faces
 * @param jpegQuality 1 to 100
 */
public record ScenePublishing(boolean enabled, double maxRate, int jpegQuality) {
  public static final int DEFAULT_QUALITY = 80;

  public ScenePublishing {
    if (maxRate < 0) {
      throw new IllegalArgumentException("--scene-rate must not be negative, got " + maxRate);
    }
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw new IllegalArgumentException("--scene-quality must be 1 to 100, got " + jpegQuality);
    }
  }

  public static ScenePublishing off() {
    return new ScenePublishing(false, 0, DEFAULT_QUALITY);
  }

  public static ScenePublishing every(double maxRate) {
    return new ScenePublishing(true, maxRate, DEFAULT_QUALITY);
  }
}
