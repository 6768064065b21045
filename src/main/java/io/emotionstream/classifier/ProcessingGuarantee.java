package io.emotionstream.classifier;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a crash may do to the events: with exactly-once, nothing (every frame gives one event,
 * visible at the commit that carries it); with at-least-once, a frame may be classified again after
 * a crash, its event then carrying the same key and frame id, so a consumer can drop the repeat.
 */
public enum ProcessingGuarantee {
  /**
   * Events become visible to {@code read_committed} consumers only when their transaction commits,
   * so the commit interval is a floor under every frame's latency: commit often.
   */
  EXACTLY_ONCE("exactly-once", Duration.ofMillis(ProcessingGuarantee.EXACTLY_ONCE_COMMIT_MS)),
  /**
   * Events are visible as soon as the broker has them, so the commit interval no longer bounds
   * latency; it bounds how many frames are classified again after a crash (about one interval's
   * worth). Each commit flushes the producer and commits offsets while the stream thread waits, so
   * committing once a second keeps that pause off all but a few frames, where Kafka Streams' own
   * default (30 s) would repeat half a minute of events.
   */
  AT_LEAST_ONCE("at-least-once", Duration.ofMillis(ProcessingGuarantee.AT_LEAST_ONCE_COMMIT_MS));

  /** The default commit intervals, as constants that a command's help can name. */
  public static final long EXACTLY_ONCE_COMMIT_MS = 10;

  public static final long AT_LEAST_ONCE_COMMIT_MS = 1_000;

  private final String optionValue;
  private final Duration defaultCommitInterval;

  ProcessingGuarantee(String optionValue, Duration defaultCommitInterval) {
    this.optionValue = optionValue;
    this.defaultCommitInterval = defaultCommitInterval;
  }

  /** As a user writes it: {@code exactly-once} or {@code at-least-once}. */
  public String optionValue() {
    return optionValue;
  }

  public Duration defaultCommitInterval() {
    return defaultCommitInterval;
  }

  public static Optional<ProcessingGuarantee> of(String optionValue) {
    String wanted = optionValue.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(g -> g.optionValue.equals(wanted)).findFirst();
  }
}
