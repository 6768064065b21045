package io.emotionstream.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a demo run did; its counts must agree: every frame sent became an event or a dead letter.
 *
 * @param epochsPlanned of the training run; 0 when no status told
 * @param bestValidationAccuracy NaN when no epoch completed
 * @param rollingAccuracy of the served model version; NaN when no labelled frame was scored
 * @param drift the drift run's timeline; null when the frames did not drift
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
    String dashboardUrl,
    DriftTimeline drift) {

  DemoSummary withDrift(DriftTimeline timeline) {
    return new DemoSummary(
        trainingExamples,
        epochsCompleted,
        epochsPlanned,
        bestValidationAccuracy,
        latestModelVersion,
        framesSent,
        eventsEmitted,
        frameDeadLetters,
        rollingAccuracy,
        rollingTotal,
        dashboardUrl,
        timeline);
  }

  /**
   * Whether it did what it set out to: trained, accounted for every frame and, with drift,
   * recovered.
   */
  public boolean succeeded() {
    return consistent() && epochsCompleted > 0 && (drift == null || drift.loopClosed());
  }

  public boolean consistent() {
    return framesSent == eventsEmitted + frameDeadLetters;
  }

  public String describe() {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "── summary ──────────────────────────────────────────────",
                String.format(Locale.ROOT, "training examples in Kafka  %,d", trainingExamples),
                String.format(
                    Locale.ROOT,
                    "epochs completed            %d%s",
                    epochsCompleted,
                    epochsPlanned > epochsCompleted
                        ? " of " + epochsPlanned + " (the demo's duration ended first)"
                        : ""),
                String.format(
                    Locale.ROOT, "best validation accuracy    %s", percent(bestValidationAccuracy)),
                String.format(
                    Locale.ROOT,
                    "latest model version        %s",
                    latestModelVersion < 0 ? "none" : "v" + latestModelVersion),
                String.format(Locale.ROOT, "frames sent                 %,d", framesSent),
                String.format(Locale.ROOT, "events emitted              %,d", eventsEmitted),
                String.format(Locale.ROOT, "frames dead-lettered        %,d", frameDeadLetters),
                String.format(
                    Locale.ROOT, "frames = events + dead      %s", consistent() ? "yes" : "NO"),
                String.format(
                    Locale.ROOT,
                    "rolling accuracy (served)   %s over %,d labelled frames",
                    percent(rollingAccuracy),
                    rollingTotal),
                "dashboard                   " + (dashboardUrl == null ? "off" : dashboardUrl)));
    if (drift != null) {
      lines.addAll(drift.describe());
    }
    return String.join(System.lineSeparator(), lines);
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", value * 100);
  }
}
