package io.emotionstream.producer;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds a sender to a steady rate by scheduling the n-th record at start + n/rate, which keeps the
 * average exact however long each send takes; unlimited when the rate is 0.
 */
public final class RatePacer {
  private final double nanosPerRecord;
  private long start = -1;
  private long count;

  private RatePacer(double recordsPerSecond) {
    if (recordsPerSecond < 0) {
      throw new IllegalArgumentException(
          "rate must be positive, or 0 for unlimited; got " + recordsPerSecond);
    }
    this.nanosPerRecord = recordsPerSecond == 0 ? 0 : 1e9 / recordsPerSecond;
  }

  public static RatePacer perSecond(double recordsPerSecond) {
    return new RatePacer(recordsPerSecond);
  }

  public static RatePacer unlimited() {
    return new RatePacer(0);
  }

  /** Blocks until the next record is due. */
  public void awaitNext() {
    if (nanosPerRecord == 0) {
      return;
    }
    long now = System.nanoTime();
    if (start < 0) {
      start = now;
    }
    long due = start + (long) (count++ * nanosPerRecord);
    while (now < due) {
      LockSupport.parkNanos(due - now);
      now = System.nanoTime();
    }
  }
}
