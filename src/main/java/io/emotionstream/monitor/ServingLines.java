package io.emotionstream.monitor;

import io.emotionstream.monitor.ServingSummary.ServedModel;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Serving decisions as text, as {@code emotion promote}, {@code emotion serving} and the monitor
 * print them.
 */
public final class ServingLines {
  private ServingLines() {}

  /** One line: the version served after the decision, the decision and why. */
  public static String decision(ServingSummary state) {
    return state.modelName()
        + ": version "
        + state.served().version()
        + " serves ("
        + state.decision()
        + "): "
        + state.reason();
  }

  /** Every fact of the state, one a line, as {@code emotion serving} prints them. */
  public static List<String> state(ServingSummary state) {
    List<String> lines = new ArrayList<>();
    ServedModel served = state.served();
    lines.add(
        state.modelName()
            + ": version "
            + served.version()
            + " serves (run "
            + served.runId()
            + ", validation accuracy "
            + TerminalView.percent(served.validationAccuracy())
            + ", taken "
            + time(served.createdTimeMs())
            + ")");
    lines.add("candidate: " + (state.candidateVersion() == null ? "none" : candidate(state)));
    lines.add(
        "previous: "
            + (state.previous() == null
                ? "none, so there is nothing to roll back to"
                : "version " + state.previous().version() + ", which a rollback serves again"));
    lines.add("policy: " + state.policy());
    lines.add(
        "last decision: "
            + state.decision()
            + " at "
            + time(state.timeMs())
            + ": "
            + state.reason()
            + (state.commandId() == null ? "" : " (command " + state.commandId() + ")"));
    if (state.heldBackThrough() > 0) {
      lines.add(
          "held back: versions up to " + state.heldBackThrough() + " never become candidates");
    }
    return lines;
  }

  /** The candidate and how it compares with the served version on the frames both classified. */
  static String candidate(ServingSummary state) {
    String name = "version " + state.candidateVersion();
    if (state.comparedFrames() == 0) {
      return name + ", scored in shadow, no labelled frame compared yet";
    }
    return name
        + ", scored in shadow: "
        + TerminalView.percent(state.candidateAccuracy())
        + " against "
        + TerminalView.percent(state.servingAccuracy())
        + " for version "
        + state.served().version()
        + " on "
        + state.comparedFrames()
        + " labelled frames";
  }

  private static String time(long epochMs) {
    return Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
