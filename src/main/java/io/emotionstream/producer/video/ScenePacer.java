package io.emotionstream.producer.video;

import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Holds a file's reader to real time: frame n is due at start plus its timestamp (its own rate) or
 * n / rate, so the average stays exact however long each frame takes. A timestamp that goes
 * backwards (a looped or spliced file) starts the clock again from that frame.
 */
final class ScenePacer {
  private final Pacing pacing;
  private final double fallbackRate;
  private long startNanos = -1;
  private long firstSourceMs;
  private long lastSourceMs;
  private long count;

  /**
   * @param fallbackRate the source's declared frame rate, for frames without usable timestamps
   */
  ScenePacer(Pacing pacing, double fallbackRate) {
    this.pacing = pacing;
    this.fallbackRate = fallbackRate;
  }

  /**
   * Waits until the frame is due, or until {@code sleep} (given the nanoseconds to wait) says to
   * stop waiting; returns false then.
   */
  boolean awaitDue(DecodedScene scene, LongPredicate sleep) {
    if (pacing.mode() == Pacing.Mode.AS_FAST_AS_POSSIBLE) {
      return true;
    }
    long now = System.nanoTime();
    long offsetNanos;
    if (pacing.mode() == Pacing.Mode.RATE) {
      if (startNanos < 0) {
        startNanos = now;
      }
      offsetNanos = (long) (count * 1e9 / pacing.framesPerSecond());
    } else {
      if (startNanos < 0 || scene.sourceTimeMs() < lastSourceMs) {
        startNanos = now;
        firstSourceMs = scene.sourceTimeMs();
        count = 0;
      }
      offsetNanos =
          scene.sourceTimeMs() > firstSourceMs || fallbackRate <= 0
              ? TimeUnit.MILLISECONDS.toNanos(scene.sourceTimeMs() - firstSourceMs)
              : (long) (count * 1e9 / fallbackRate);
      lastSourceMs = scene.sourceTimeMs();
    }
    count++;
    long wait = startNanos + offsetNanos - now;
    return wait <= 0 || sleep.test(wait);
  }
}
