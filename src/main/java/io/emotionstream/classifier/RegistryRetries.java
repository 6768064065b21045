package io.emotionstream.classifier;

import org.apache.kafka.common.utils.ExponentialBackoff;

/**
 * When to ask the schema registry again after it could not be reached: soon after the first
 * failure, then doubling up to a few seconds, so that a registry restart delays a new model little
 * and an outage does not cost a request before every batch. Shared by the stream threads: the
 * registry is one for all of them.
 */
final class RegistryRetries {
  private static final long FIRST_MS = 100;
  private static final long LONGEST_MS = 5_000;

  private final ExponentialBackoff backoff = new ExponentialBackoff(FIRST_MS, 2, LONGEST_MS, 0.2);
  private long failures;
  private long nextAttemptMs = Long.MIN_VALUE;

  /** Whether the registry may be asked at {@code nowMs}. */
  synchronized boolean due(long nowMs) {
    return nowMs >= nextAttemptMs;
  }

  /**
   * Records a failure at {@code nowMs}; returns how long until the next attempt, in milliseconds.
   */
  synchronized long failed(long nowMs) {
    long waitMs = backoff.backoff(failures++);
    nextAttemptMs = nowMs + waitMs;
    return waitMs;
  }

  synchronized void succeeded() {
    failures = 0;
    nextAttemptMs = Long.MIN_VALUE;
  }
}
