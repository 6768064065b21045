package io.emotionstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.classifier.ClassifierMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Scrapes the endpoint over real HTTP, as Prometheus would. */
class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesEachSuppliersValueAtScrapeTime() throws Exception {
    AtomicLong frames = new AtomicLong(41);
    MetricFamilies families =
        new MetricFamilies()
            .counter("test_frames", "Frames.", frames::get)
            .gauge("test_version", "Version.", () -> 7)
            .labelledGauge(
                "test_latency_seconds",
                "Latency.",
                "quantile",
                List.of("0.5", "0.99"),
                List.of(() -> 0.012, () -> 0.25));
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, families)) {
      String first = scrape(endpoint);
      assertEquals(41.0, value(first, "test_frames_total"));
      assertEquals(7.0, value(first, "test_version"));
      assertEquals(0.25, value(first, "test_latency_seconds{quantile=\"0.99\"}"));

      frames.addAndGet(1000);
      assertEquals(1041.0, value(scrape(endpoint), "test_frames_total"));
    }
  }

  @Test
  void exposesTheClassifiersMetricsUnderTheirNames() throws Exception {
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(
            "127.0.0.1", 0, ClassifierMetricFamilies.of(new ClassifierMetrics()))) {
      String body = scrape(endpoint);
      assertEquals(0.0, value(body, "emotion_classifier_frames_total"));
      assertEquals(0.0, value(body, "emotion_classifier_batches_total"));
      assertEquals(0.0, value(body, "emotion_classifier_dead_letters_total"));
      assertEquals(0.0, value(body, "emotion_classifier_checkpoint_retries_total"));
      assertEquals(-1.0, value(body, "emotion_classifier_model_version"));
      assertTrue(body.contains("emotion_classifier_latency_seconds{quantile=\"0.99\"} NaN"), body);
    }
  }

  @Test
  void aPortInUseIsAClearError() {
    try (MetricsEndpoint first = MetricsEndpoint.start("127.0.0.1", 0, new MetricFamilies())) {
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () -> MetricsEndpoint.start("127.0.0.1", first.port(), new MetricFamilies()));
      assertTrue(
          e.getMessage().startsWith("cannot serve metrics on 127.0.0.1:" + first.port()),
          e.getMessage());
    }
  }

  private String scrape(MetricsEndpoint endpoint) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint.url())).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  private static double value(String body, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
    assertTrue(matcher.find(), series + " not in\n" + body);
    return Double.parseDouble(matcher.group(1));
  }
}
