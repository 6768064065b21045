package io.emotionstream.trainer;

import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingStatus;
import java.util.Locale;

/** One line of text per training status, as {@code emotion retrain --follow} prints them. */
public final class StatusLines {
  private StatusLines() {}

  public static String describe(TrainingStatus status) {
    StringBuilder line = new StringBuilder();
    line.append(status.getRunId()).append(' ').append(status.getState());
    if (status.getState() == RunState.EPOCH_COMPLETED || status.getState() == RunState.COMPLETED) {
      line.append(
          String.format(Locale.ROOT, " epoch %d/%d", status.getEpoch(), status.getTotalEpochs()));
      append(line, "loss %.4f", status.getTrainLoss());
      append(line, "accuracy %.3f", status.getTrainAccuracy());
      append(line, "validation %.3f", status.getValidationAccuracy());
      append(line, "%.0f faces/s", status.getExamplesPerSecond());
      if (status.getEtaSeconds() != null && status.getState() == RunState.EPOCH_COMPLETED) {
        line.append(" ETA ").append(duration(status.getEtaSeconds()));
      }
      if (status.getModelVersion() != null) {
        line.append(" checkpoint v").append(status.getModelVersion());
      }
    } else if (status.getState() != RunState.QUEUED && status.getState() != RunState.REJECTED) {
      line.append(
          String.format(
              Locale.ROOT, " after epoch %d/%d", status.getEpoch(), status.getTotalEpochs()));
    }
    if (status.getMessage() != null && status.getState() != RunState.EPOCH_COMPLETED) {
      line.append(": ").append(status.getMessage());
    }
    return line.toString();
  }

  private static void append(StringBuilder line, String format, Double value) {
    if (value != null) {
      line.append(' ').append(String.format(Locale.ROOT, format, value));
    }
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
