package io.emotionstream.metrics;

import io.emotionstream.monitor.DashboardServer;

/** The dashboard's own activity as Prometheus metrics, named emotion_dashboard_*. */
public final class DashboardMetricFamilies {
  private DashboardMetricFamilies() {}

  public static MetricFamilies of(DashboardServer dashboard) {
    return new MetricFamilies()
        .gauge(
            "emotion_dashboard_open_streams",
            "Browsers receiving live updates now.",
            dashboard::openStreams)
        .counter(
            "emotion_dashboard_records_read",
            "Records read from the product's topics.",
            dashboard::recordsRead)
        .counter(
            "emotion_dashboard_unreadable_records",
            "Records that could not be read and were skipped.",
            () -> dashboard.snapshot().unreadableRecords())
        .counter(
            "emotion_dashboard_unreadable_scenes",
            "Scene pictures that did not decode and scene or event records the live video could not read, skipped.",
            dashboard::unreadableScenes)
        .counter(
            "emotion_dashboard_commands_sent",
            "RETRAIN commands sent from the page.",
            dashboard::commandsSent);
  }
}
