package io.emotionstream.monitor;

import io.emotionstream.monitor.LiveSnapshot.CurrentModel;
import io.emotionstream.monitor.LiveSnapshot.EventRate;
import io.emotionstream.monitor.LiveSnapshot.RunProgress;
import io.emotionstream.monitor.LiveSnapshot.VersionAccuracy;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link LiveSnapshot} as text for a terminal: with ANSI colour and bars, or as plain
 * lines.
 */
public final class TerminalView {
  private static final String CLEAR_SCREEN = "\033[H\033[2J";
  private static final String BOLD = "\033[1m";
  private static final String DIM = "\033[2m";
  private static final String GREEN = "\033[32m";
  private static final String RESET = "\033[0m";
  private static final int BAR_WIDTH = 30;
  private static final int VERSIONS_SHOWN = 5;
  private static final int RUNS_SHOWN = 3;
  private static final int SERVING_DECISIONS_SHOWN = 5;
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final boolean ansi;

  public TerminalView(boolean ansi) {
    this.ansi = ansi;
  }

  /** One screen (ANSI: clears the terminal first) or one block of plain lines. */
  public String render(LiveSnapshot snapshot) {
    StringBuilder out = new StringBuilder();
    if (ansi) {
      out.append(CLEAR_SCREEN);
    }
    out.append(
            style(BOLD, "emotion monitor " + CLOCK.format(Instant.ofEpochMilli(snapshot.timeMs()))))
        .append('\n');
    model(out, snapshot.currentModel());
    serving(out, snapshot);
    accuracy(out, snapshot);
    training(out, snapshot);
    events(out, snapshot.events());
    if (snapshot.unreadableRecords() > 0) {
      out.append("unreadable records: ")
          .append(snapshot.unreadableRecords())
          .append(" (last: ")
          .append(snapshot.lastProblem())
          .append(")\n");
    }
    return out.toString();
  }

  private void model(StringBuilder out, CurrentModel model) {
    if (model == null) {
      out.append("model: no checkpoint yet\n");
      return;
    }
    out.append("model: ")
        .append(style(GREEN, model.modelName() + " v" + model.version()))
        .append("  run ")
        .append(model.runId())
        .append(" epoch ")
        .append(model.epoch())
        .append('/')
        .append(model.totalEpochs())
        .append("  validation accuracy ")
        .append(percent(model.validationAccuracy()))
        .append("  ")
        .append(model.optimizer())
        .append(" lr ")
        .append(model.learningRate())
        .append(" batch ")
        .append(model.batchSize())
        .append('\n');
  }

  private void serving(StringBuilder out, LiveSnapshot snapshot) {
    ServingSummary serving = snapshot.serving();
    if (serving == null) {
      out.append("serving: no serving decision yet\n");
      return;
    }
    out.append("serving: ")
        .append(style(GREEN, serving.modelName() + " v" + serving.served().version()))
        .append("  policy ")
        .append(serving.policy())
        .append("  candidate ")
        .append(serving.candidateVersion() == null ? "none" : ServingLines.candidate(serving))
        .append('\n');
    out.append(style(BOLD, "serving decisions (newest first)")).append('\n');
    snapshot.servingDecisions().stream()
        .limit(SERVING_DECISIONS_SHOWN)
        .forEach(
            decision ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "  %s %-11s v%d%s: %s%n",
                        CLOCK.format(Instant.ofEpochMilli(decision.timeMs())),
                        decision.decision(),
                        decision.served().version(),
                        decision.candidateVersion() == null
                            ? ""
                            : " candidate v" + decision.candidateVersion(),
                        decision.reason())));
  }

  private void accuracy(StringBuilder out, LiveSnapshot snapshot) {
    out.append(style(BOLD, "accuracy by model version (most recent window)")).append('\n');
    if (snapshot.accuracy().isEmpty()) {
      out.append("  no accuracy report yet\n");
    }
    snapshot.accuracy().stream()
        .limit(VERSIONS_SHOWN)
        .forEach(
            version ->
                accuracyLine(out, version, role(snapshot.serving(), version.modelVersion())));
  }

  private void accuracyLine(StringBuilder out, VersionAccuracy version, String role) {
    LiveSnapshot.AccuracyPoint latest = version.latest();
    out.append(
        String.format(
            Locale.ROOT,
            "  v%-6d %s %s %d/%d  window %s-%s%s%n",
            version.modelVersion(),
            bar(latest.accuracy()),
            percent(latest.accuracy()),
            latest.correct(),
            latest.total(),
            CLOCK.format(Instant.ofEpochMilli(latest.windowStartMs())),
            CLOCK.format(Instant.ofEpochMilli(latest.windowEndMs())),
            role.isEmpty() ? "" : "  " + style(GREEN, role)));
  }

  /** "serving", "candidate" or nothing: the version's part in the latest serving decision. */
  private static String role(ServingSummary serving, long version) {
    if (serving == null) {
      return "";
    }
    if (serving.served().version() == version) {
      return "serving";
    }
    return serving.candidateVersion() != null && serving.candidateVersion() == version
        ? "candidate"
        : "";
  }

  private void training(StringBuilder out, LiveSnapshot snapshot) {
    out.append(style(BOLD, "training")).append('\n');
    if (snapshot.runs().isEmpty()) {
      out.append("  no training run seen\n");
    }
    snapshot.runs().stream().limit(RUNS_SHOWN).forEach(run -> runLine(out, run));
  }

  private void runLine(StringBuilder out, RunProgress run) {
    double done = run.totalEpochs() == 0 ? 0 : (double) run.epoch() / run.totalEpochs();
    out.append(
        String.format(
            Locale.ROOT,
            "  %s %-15s %s epoch %d/%d  loss %s  val acc %s  %s ex/s  eta %s%n",
            run.runId(),
            run.state(),
            bar(done),
            run.epoch(),
            run.totalEpochs(),
            number(run.trainLoss()),
            percent(run.validationAccuracy()),
            whole(run.examplesPerSecond()),
            eta(run.etaSeconds())));
    if (run.message() != null && !run.message().isBlank()) {
      out.append("    ").append(style(DIM, run.message())).append('\n');
    }
  }

  private void events(StringBuilder out, EventRate events) {
    out.append(
            style(
                BOLD,
                String.format(
                    Locale.ROOT,
                    "events: %.1f/s over the last %ds (%d; %d since start)",
                    events.perSecond(),
                    events.windowSeconds(),
                    events.count(),
                    events.totalSeen())))
        .append('\n');
    for (Map.Entry<String, Long> entry : events.byEmotion().entrySet()) {
      double share = events.count() == 0 ? 0 : (double) entry.getValue() / events.count();
      out.append(
          String.format(
              Locale.ROOT,
              "  %-9s %s %5.1f%% (%d)%n",
              entry.getKey().toLowerCase(Locale.ROOT),
              bar(share),
              share * 100,
              entry.getValue()));
    }
  }

  private String bar(double fraction) {
    int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
    return ansi
        ? GREEN + "█".repeat(filled) + RESET + DIM + "░".repeat(BAR_WIDTH - filled) + RESET
        : "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
  }

  private String style(String code, String text) {
    return ansi ? code + text + RESET : text;
  }

  static String percent(Double fraction) {
    return fraction == null ? "-" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  private static String number(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String whole(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.0f", value);
  }

  private static String eta(Double seconds) {
    if (seconds == null) {
      return "-";
    }
    long s = Math.round(seconds);
    return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }
}
