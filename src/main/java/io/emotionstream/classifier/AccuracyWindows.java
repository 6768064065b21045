package io.emotionstream.classifier;

import java.time.Duration;
import java.util.stream.LongStream;

/**
 * Hopping windows of labelled frames, aligned to the epoch as Kafka Streams' {@code TimeWindows}
 * are, cut into advance-long slices: a window is the {@code size / advance} slices from its start,
 * so every score is counted once, in its slice, and a window's counts are the sum of its slices.
 */
record AccuracyWindows(long sizeMs, long advanceMs, long graceMs) {

  AccuracyWindows {
    if (advanceMs <= 0 || sizeMs % advanceMs != 0) {
      throw new IllegalArgumentException("accuracy window must be a whole number of advances");
    }
  }

  static AccuracyWindows of(ClassifierSettings settings) {
    return new AccuracyWindows(
        settings.accuracyWindow().toMillis(),
        settings.accuracyAdvance().toMillis(),
        settings.accuracyGrace().toMillis());
  }

  Duration advance() {
    return Duration.ofMillis(advanceMs);
  }

  /** Start of the slice that holds a frame of this time. */
  long sliceOf(long timestamp) {
    return timestamp - Math.floorMod(timestamp, advanceMs);
  }

  /**
   * End of the last window holding the slice: once that window closes the slice is needed no more.
   */
  long lastEndHolding(long slice) {
    return slice + sizeMs;
  }

  /**
   * Starts of the windows that hold the slice, earliest first; none before the epoch, as in
   * TimeWindows.
   */
  LongStream startsHolding(long slice) {
    long first = Math.max(0, slice - sizeMs + advanceMs);
    return LongStream.iterate(first, start -> start <= slice, start -> start + advanceMs);
  }

  /**
   * The end of the latest window closed at this stream time: a window closes once stream time
   * reaches its end plus the grace, the rule of Kafka Streams' windowed aggregations, so a frame is
   * counted in exactly the windows it would be counted in there.
   */
  long closedThrough(long streamTimeMs) {
    long limit = streamTimeMs - graceMs;
    return limit - Math.floorMod(limit, advanceMs);
  }
}
