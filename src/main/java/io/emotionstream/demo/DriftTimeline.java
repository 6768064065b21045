package io.emotionstream.demo;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.Commands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What happened in a drift run and when, from the moment the live frames changed: the drop in the
 * served model's rolling accuracy, the automatic retraining, the candidate it trained and its
 * promotion, and accuracy before and after. A step that did not happen says so.
 */
final class DriftTimeline {
  /** A window with fewer labelled frames says too little to be shown. */
  static final long MIN_FRAMES = 30;

  /** How far below the accuracy before the drift a window must fall to count as the drop. */
  private static final double DROP = 0.10;

  private Instant driftAt;
  private AccuracyReport before;
  private Instant dropAt;
  private AccuracyReport lowest;
  private Instant retrainAt;
  private ControlCommand retrain;
  private long versionAtRetrain = Long.MAX_VALUE;
  private Instant trainedAt;
  private TrainingStatus trained;
  private Instant candidateAt;
  private long candidateVersion;
  private Instant promotedAt;
  private ServingState promoted;

  /** The last version trained after the drift to be promoted. */
  private long lastPromotedVersion;

  private AccuracyReport after;

  void driftStarted(AccuracyReport servedNow) {
    driftAt = Instant.now();
    before = servedNow;
  }

  /** A report of the served version's accuracy. */
  void servingAccuracy(AccuracyReport report) {
    if (driftAt == null
        || promotedAt != null
        || report.getTotal() < MIN_FRAMES
        || report.getWindowStartMs().isBefore(driftAt)) {
      return; // only windows of frames all after the drift, until a retrained version serves
    }
    if (lowest == null || report.getAccuracy() < lowest.getAccuracy()) {
      lowest = report;
    }
    if (dropAt == null && before != null && report.getAccuracy() <= before.getAccuracy() - DROP) {
      dropAt = Instant.now();
    }
  }

  void retrainSent(ControlCommand command, long latestVersion) {
    if (driftAt != null && retrain == null) {
      retrainAt = Instant.now();
      retrain = command;
      versionAtRetrain = latestVersion;
    }
  }

  void runFinished(TrainingStatus status) {
    if (retrain != null
        && trained == null
        && status.getRunId().equals(Commands.runId(retrain.getCommandId()))) {
      trainedAt = Instant.now();
      trained = status;
    }
  }

  void decided(ServingState state) {
    if (retrain == null) {
      return;
    }
    if (candidateAt == null
        && state.getDecision() == ServingDecision.CANDIDATE
        && state.getCandidateVersion() != null
        && state.getCandidateVersion() > versionAtRetrain) {
      candidateAt = Instant.now();
      candidateVersion = state.getCandidateVersion();
    }
    if (state.getDecision() == ServingDecision.PROMOTED
        && state.getServing().getVersion() > versionAtRetrain) {
      if (promotedAt == null) {
        promotedAt = Instant.now();
        promoted = state;
      }
      lastPromotedVersion = state.getServing().getVersion();
    }
  }

  /** Whether the retraining has ended and a version it trained has been promoted. */
  boolean retrainedVersionServes() {
    return trained != null && promoted != null;
  }

  /** The served version's accuracy at the end, once a version trained after the drift serves. */
  void end(AccuracyReport servedNow) {
    if (promoted != null && servedNow != null && servedNow.getModelVersion() > versionAtRetrain) {
      after = servedNow;
    }
  }

  boolean loopClosed() {
    return promoted != null && after != null;
  }

  List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("── drift timeline (seconds after the live frames changed) ──");
    lines.add("accuracy before the drift   " + accuracy(before));
    lines.add(
        "accuracy drop seen          "
            + (dropAt == null ? "not seen" : at(dropAt) + ", down to " + accuracy(lowest)));
    lines.add(
        "retrain sent                "
            + (retrain == null
                ? "not sent"
                : at(retrainAt) + " by " + retrain.getRequestedBy() + ": " + retrain.getReason()));
    lines.add(
        "fine-tuning finished        "
            + (trained == null
                ? "not finished"
                : at(trainedAt)
                    + ", "
                    + trained.getState()
                    + (trained.getState() == RunState.COMPLETED
                            && trained.getValidationAccuracy() != null
                        ? String.format(
                            Locale.ROOT,
                            ", validation accuracy %.1f%%",
                            trained.getValidationAccuracy() * 100)
                        : "")));
    lines.add(
        "candidate scored in shadow  "
            + (candidateAt == null ? "none" : at(candidateAt) + ", v" + candidateVersion));
    lines.add(
        "candidate promoted          "
            + (promoted == null
                ? "not promoted"
                : at(promotedAt)
                    + ", v"
                    + promoted.getServing().getVersion()
                    + ": "
                    + promoted.getReason()
                    + (lastPromotedVersion != promoted.getServing().getVersion()
                        ? "; the run's later v" + lastPromotedVersion + " serves at the end"
                        : "")));
    lines.add("accuracy after              " + accuracy(after));
    return lines;
  }

  private String at(Instant time) {
    return String.format(Locale.ROOT, "+%d s", Duration.between(driftAt, time).toSeconds());
  }

  private static String accuracy(AccuracyReport report) {
    return report == null
        ? "n/a"
        : String.format(
            Locale.ROOT,
            "%.1f%% (v%d, %d labelled frames)",
            report.getAccuracy() * 100,
            report.getModelVersion(),
            report.getTotal());
  }
}
