package io.emotionstream.demo;

import java.util.Locale;

/**
 * What a demo run did; its counts must agree: every frame sent became an event or a dead letter.
 *
 * @param epochsPlanned of the training run; 0 when no status told
 * @param bestValidationAccuracy NaN when no epoch completed
 * @param rollingAccuracy of the latest model version; NaN when no labelled frame was scored
 */
public record DemoSummary(
    long trainingExamples,
    int epochsCompleted,
    int epochsPlanned,
    double bestValidationAccuracy,
    long latestModelVersion,
    long framesSent,
    long eventsEmitted,
    long frameDeadLetters,
    double rollingAccuracy,
    long rollingTotal,
    String dashboardUrl) {

  public boolean consistent() {
    return framesSent == eventsEmitted + frameDeadLetters;
  }

  public String describe() {
    return String.join(System.lineSeparator(),
        "── summary ──────────────────────────────────────────────",
        String.format(Locale.ROOT, "training examples in Kafka  %,d", trainingExamples),
        String.format(Locale.ROOT, "epochs completed            %d%s", epochsCompleted,
            epochsPlanned > epochsCompleted ? " of " + epochsPlanned + " (the demo's duration ended first)" : ""),
        String.format(Locale.ROOT, "best validation accuracy    %s", percent(bestValidationAccuracy)),
        String.format(Locale.ROOT, "latest model version        %s", latestModelVersion < 0 ? "none" : "v" + latestModelVersion),
        String.format(Locale.ROOT, "frames sent                 %,d", framesSent),
        String.format(Locale.ROOT, "events emitted              %,d", eventsEmitted),
        String.format(Locale.ROOT, "frames dead-lettered        %,d", frameDeadLetters),
        String.format(Locale.ROOT, "frames = events + dead      %s", consistent() ? "yes" : "NO"),
        String.format(Locale.ROOT, "rolling accuracy (latest)   %s over %,d labelled frames", percent(rollingAccuracy),
            rollingTotal),
        "dashboard                   " + (dashboardUrl == null ? "off" : dashboardUrl));
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", value * 100);
  }
}
