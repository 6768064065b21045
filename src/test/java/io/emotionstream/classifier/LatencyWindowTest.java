package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {
  private final AtomicLong nanos = new AtomicLong();
  private final LatencyWindow window = new LatencyWindow(Duration.ofSeconds(10), nanos::get);

  @Test
  void percentilesAreOfTheLatenciesWithinTheWindowOnly() {
    for (int i = 0; i < 100; i++) {
      window.record(13_000); // frames that waited long, early on
    }
    advance(Duration.ofSeconds(6));
    for (long latency = 1; latency <= 100; latency++) {
      window.record(latency);
    }
    assertEquals(13_000, window.percentile(99), "both kinds still in the window");

    advance(Duration.ofSeconds(5));
    assertEquals(50, window.percentile(50));
    assertEquals(99, window.percentile(99), "the early frames left the window");

    advance(Duration.ofSeconds(6));
    assertEquals(-1, window.percentile(99), "nothing in the last 10 s");
  }

  @Test
  void underALoadBeyondItsCapacityTheOldestLeaveFirst() {
    window.record(5_000);
    for (int i = 1; i < LatencyWindow.MAX_SAMPLES; i++) {
      window.record(20);
    }
    assertEquals(5_000, window.percentile(100));

    window.record(20);
    assertEquals(20, window.percentile(100));
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
