package io.emotionstream.metrics;

import io.emotionstream.classifier.ClassifierMetrics;
import java.util.List;

/** The classifier's counters as Prometheus metrics, named emotion_classifier_*. */
public final class ClassifierMetricFamilies {
  private ClassifierMetricFamilies() {}

  public static MetricFamilies of(ClassifierMetrics metrics) {
    return new MetricFamilies()
        .counter("emotion_classifier_frames", "Frames classified.", metrics::frames)
        .counter("emotion_classifier_batches", "Inference batches run.", metrics::batches)
        .counter(
            "emotion_classifier_dead_letters",
            "Frames refused to the dead-letter topic.",
            metrics::deadLetters)
        .counter(
            "emotion_classifier_checkpoint_retries",
            "Reads of the latest checkpoint put off because the schema registry could not be reached.",
            metrics::checkpointRetries)
        .gauge(
            "emotion_classifier_model_version",
            "Version of the model serving; -1 before the first batch.",
            metrics::modelVersion)
        .gauge(
            "emotion_classifier_mean_batch_size",
            "Mean frames per inference batch.",
            metrics::meanBatchSize)
        .labelledGauge(
            "emotion_classifier_latency_seconds",
            "Capture-to-classification latency over the last "
                + ClassifierMetrics.LATENCY_WINDOW.toSeconds()
                + " s, frames that waited for a model left out; NaN if none.",
            "quantile",
            List.of("0.5", "0.99"),
            List.of(
                () -> seconds(metrics.latencyPercentile(50)),
                () -> seconds(metrics.latencyPercentile(99))))
        .counter(
            "emotion_classifier_frames_waited_for_model",
            "Frames that waited for a model to exist.",
            metrics::framesThatWaitedForAModel);
  }

  private static double seconds(long millis) {
    return millis < 0 ? Double.NaN : millis / 1000.0;
  }
}
