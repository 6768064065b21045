package io.emotionstream.classifier;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Latencies of the frames classified within the last {@code span}, for percentiles that describe
 * the classifier as it is now rather than since it started. Holds at most {@link #MAX_SAMPLES}:
 * under a heavier load the oldest leave early.
 */
final class LatencyWindow {
  static final int MAX_SAMPLES = 1 << 16;

  private final long spanNanos;
  private final LongSupplier nanoClock;
  private final long[] times = new long[MAX_SAMPLES];
  private final long[] latencies = new long[MAX_SAMPLES];
  private int first;
  private int size;

  LatencyWindow(Duration span, LongSupplier nanoClock) {
    this.spanNanos = span.toNanos();
    this.nanoClock = nanoClock;
  }

  synchronized void record(long latencyMillis) {
    long now = nanoClock.getAsLong();
    if (size == MAX_SAMPLES) {
      first = (first + 1) % MAX_SAMPLES;
      size--;
    }
    int slot = (first + size) % MAX_SAMPLES;
    times[slot] = now;
    latencies[slot] = latencyMillis;
    size++;
  }

  /**
   * A percentile (0..100) of the latencies in the window, in milliseconds; -1 when it holds none.
   */
  synchronized long percentile(double percentile) {
    long now = nanoClock.getAsLong();
    while (size > 0 && now - times[first] > spanNanos) {
      first = (first + 1) % MAX_SAMPLES;
      size--;
    }
    if (size == 0) {
      return -1;
    }
    long[] sorted = new long[size];
    for (int i = 0; i < size; i++) {
      sorted[i] = latencies[(first + i) % MAX_SAMPLES];
    }
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, index))];
  }
}
