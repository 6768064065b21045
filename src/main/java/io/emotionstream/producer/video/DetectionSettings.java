package io.emotionstream.producer.video;

/**
 * How faces are searched for: OpenCV's {@code detectMultiScale} parameters, the seed's by default
 * ({@code detectMultiScale(gray, 1.1, 4)}), and the smallest face worth classifying.
 *
 * @param cascade a cascade shipped with OpenCV by name (such as haarcascade_frontalface_alt2) or a
 *     file
 * @param scaleFactor how much the search window grows from one scale to the next (more than 1)
 * @param minNeighbors how many overlapping detections a face needs to count
 * @param minFace the smallest face side, in source pixels, that is looked for
 * @param threads frames searched at once, each on a thread of its own
 */
public record DetectionSettings(
    String cascade, double scaleFactor, int minNeighbors, int minFace, int threads) {
  public static final String DEFAULT_CASCADE = "haarcascade_frontalface_default";

  /**
   * One frame per core, up to four: the frames of one source come in order, so more would mostly
   * wait.
   */
  public static final int DEFAULT_THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

  public DetectionSettings {
    if (!(scaleFactor > 1)) {
      throw new IllegalArgumentException("--scale-factor must be more than 1, got " + scaleFactor);
    }
    if (minNeighbors < 0) {
      throw new IllegalArgumentException(
          "--min-neighbors must not be negative, got " + minNeighbors);
    }
    if (minFace < 1) {
      throw new IllegalArgumentException("--min-face must be at least 1 pixel, got " + minFace);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--detection-threads must be at least 1, got " + threads);
    }
  }

  public DetectionSettings withThreads(int newThreads) {
    return new DetectionSettings(cascade, scaleFactor, minNeighbors, minFace, newThreads);
  }

  public static DetectionSettings seed() {
    return new DetectionSettings(DEFAULT_CASCADE, 1.1, 4, 48, DEFAULT_THREADS);
  }
}
