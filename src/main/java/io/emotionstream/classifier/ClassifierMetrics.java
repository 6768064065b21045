package io.emotionstream.classifier;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the classifier has done, shared by its stream threads: frames, batches, the model version,
 * checkpoint reads put off while the registry was away, and the latency from capture to classification
 * over the most recent frames.
 */
public final class ClassifierMetrics {
  private static final int LATENCY_SAMPLES = 4096;

  private final LongAdder frames = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder checkpointRetries = new LongAdder();
  private final AtomicLong modelVersion = new AtomicLong(-1);
  private final long[] latencies = new long[LATENCY_SAMPLES];
  private long latencyCount;

  void recordBatch(int size, long version) {
    frames.add(size);
    batches.increment();
    modelVersion.set(version);
  }

  void recordDeadLetter() {
    deadLetters.increment();
  }

  void recordCheckpointRetry() {
    checkpointRetries.increment();
  }

  synchronized void recordLatency(long millis) {
    latencies[(int) (latencyCount++ % LATENCY_SAMPLES)] = millis;
  }

  public long frames() {
    return frames.sum();
  }

  public long batches() {
    return batches.sum();
  }

  public long deadLetters() {
    return deadLetters.sum();
  }

  /** Reads of the latest checkpoint that failed because the schema registry could not be reached. */
  public long checkpointRetries() {
    return checkpointRetries.sum();
  }

  /** -1 before the first batch. */
  public long modelVersion() {
    return modelVersion.get();
  }

  public double meanBatchSize() {
    long count = batches.sum();
    return count == 0 ? 0 : (double) frames.sum() / count;
  }

  /** A latency percentile (0..100) over the most recent frames, in milliseconds; -1 before any. */
  public synchronized long latencyPercentile(double percentile) {
    int size = (int) Math.min(latencyCount, LATENCY_SAMPLES);
    if (size == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(latencies, size);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, index))];
  }
}
