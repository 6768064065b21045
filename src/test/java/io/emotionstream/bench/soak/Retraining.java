package io.emotionstream.bench.soak;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The soak's training runs, each asked for by {@code emotion retrain --follow} as a user would: the
 * first from scratch (there is no model yet), then fine-tune and from scratch in turn, each {@code
 * every} after the one before. A run that falls due while the previous one still runs is asked for
 * as soon as that one ends, so runs never queue up behind a slow machine.
 */
final class Retraining {
  private final Services services;
  private final int epochs;
  private final double everySeconds;
  private final List<Services.Service> runs = new ArrayList<>();
  private double due;
  private int late;

  Retraining(Services services, int epochs, Duration every) {
    this.services = services;
    this.epochs = epochs;
    this.everySeconds = every.toMillis() / 1000.0;
  }

  /** Asks for the next run if it is due and the previous one has ended. */
  synchronized void tick(double seconds) {
    if (seconds < due) {
      return;
    }
    boolean previousRunning = !runs.isEmpty() && runs.get(runs.size() - 1).process().isAlive();
    if (previousRunning) {
      return;
    }
    if (seconds - due >= everySeconds / 10) {
      late++;
    }
    String mode = runs.size() % 2 == 0 ? "scratch" : "fine-tune";
    try {
      runs.add(
          services.start(
              "retrain-" + (runs.size() + 1),
              "retrain",
              "--epochs",
              String.valueOf(epochs),
              "--mode",
              mode,
              "--follow"));
      System.out.printf(
          Locale.ROOT,
          "%6.0f s  RETRAIN %d sent (%s, %d epochs)%n",
          seconds,
          runs.size(),
          mode,
          epochs);
    } catch (IOException e) {
      System.out.printf(
          Locale.ROOT, "%6.0f s  RETRAIN could not be sent: %s%n", seconds, e.getMessage());
    }
    due = seconds + everySeconds;
  }

  /** Whether every run that has ended completed; one still running at the end is not a failure. */
  synchronized boolean noneFailed() {
    return runs.stream().allMatch(run -> run.process().isAlive() || run.exitCode() == 0);
  }

  synchronized String describe() {
    long completed = runs.stream().filter(run -> run.exitCode() == 0).count();
    long running = runs.stream().filter(run -> run.process().isAlive()).count();
    return String.format(
        Locale.ROOT,
        "training runs: %d asked for (%d late, the one before still running), %d "
            + "completed, %d still running at the end, %d failed",
        runs.size(),
        late,
        completed,
        running,
        runs.size() - completed - running);
  }
}
