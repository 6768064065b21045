package io.emotionstream.classifier;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the classifier has done, shared by its stream threads: frames, batches, the model version,
 * checkpoint reads put off while the registry was away, and the latency from capture to
 * classification over the last {@link #LATENCY_WINDOW}. Frames that waited for a model to exist are
 * counted apart: their latency is that wait, which would otherwise dwarf the classifier's own.
 */
public final class ClassifierMetrics {
  /** The span of the latency percentiles, also how often the classifier logs them. */
  public static final Duration LATENCY_WINDOW = Duration.ofSeconds(10);

  private final LongAdder frames = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder checkpointRetries = new LongAdder();
  private final AtomicLong modelVersion = new AtomicLong(-1);
  private final LatencyWindow latencies = new LatencyWindow(LATENCY_WINDOW, System::nanoTime);
  private final LongAdder framesThatWaitedForAModel = new LongAdder();

  void recordBatch(int size, long version) {
    frames.add(size);
    batches.increment();
    modelVersion.set(version);
  }

  void recordDeadLetter() {
    deadLetters.increment();
  }

  void recordLatency(long millis) {
    latencies.record(millis);
  }

  void recordFramesThatWaitedForAModel(int count) {
    framesThatWaitedForAModel.add(count);
  }

  void recordCheckpointRetry() {
    checkpointRetries.increment();
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

  /**
   * Frames classified as soon as a model existed, having waited for it; not in the latency
   * percentiles.
   */
  public long framesThatWaitedForAModel() {
    return framesThatWaitedForAModel.sum();
  }

  /**
   * Reads of the latest checkpoint that failed because the schema registry could not be reached.
   */
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

  /**
   * A latency percentile (0..100) over the last {@link #LATENCY_WINDOW}, in milliseconds; -1 if no
   * frame.
   */
  public long latencyPercentile(double percentile) {
    return latencies.percentile(percentile);
  }
}
