package io.emotionstream.producer;

import java.time.Duration;

/**
 * What a produce run did.
 *
 * @param sent records acknowledged by the broker
 * @param rejected inputs refused as malformed and sent to the dead-letter topic
 * @param failed records the broker did not acknowledge; {@code firstFailure} says why
 */
public record ProduceSummary(
    long sent, long rejected, long failed, Duration elapsed, String firstFailure) {

  public double recordsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds == 0 ? 0 : sent / seconds;
  }

  public boolean complete() {
    return failed == 0;
  }

  public String describe(String noun) {
    String line =
        String.format(
            "%,d %s sent, %,d rejected (see dead letters), %.1f s, %,.0f %s/s",
            sent, noun, rejected, elapsed.toNanos() / 1e9, recordsPerSecond(), noun);
    return failed == 0 ? line : line + String.format("; %,d NOT sent: %s", failed, firstFailure);
  }
}
