package io.emotionstream.producer.video;

/**
 * How fast a file is read. A live source brings frames at its own pace and ignores this.
 *
 * @param framesPerSecond the rate for {@link Mode#RATE}
 */
public record Pacing(Mode mode, double framesPerSecond) {
  public enum Mode {
    /** In real time, by the frames' own timestamps, as if the file were a camera. */
    OWN_RATE,
    /** At a set number of decoded frames per second. */
    RATE,
    /** As fast as frames decode and faces are found; no frame is dropped. */
    AS_FAST_AS_POSSIBLE
  }

  public Pacing {
    if (mode == Mode.RATE && !(framesPerSecond > 0)) {
      throw new IllegalArgumentException(
          "--rate must be more than 0 frames per second, got " + framesPerSecond);
    }
  }

  public static Pacing ownRate() {
    return new Pacing(Mode.OWN_RATE, 0);
  }

  public static Pacing rate(double framesPerSecond) {
    return new Pacing(Mode.RATE, framesPerSecond);
  }

  public static Pacing asFastAsPossible() {
    return new Pacing(Mode.AS_FAST_AS_POSSIBLE, 0);
  }

  /** Whether frames come in real time, so that a slow consumer must drop rather than wait. */
  boolean realTime(VideoSourceSpec source) {
    return source.live() || mode != Mode.AS_FAST_AS_POSSIBLE;
  }
}
