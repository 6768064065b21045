package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.emotionstream.testing.CommandRun;
import io.emotionstream.trainer.DriftRetraining;
import io.emotionstream.trainer.TrainerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/** How `emotion trainer`'s options become its settings, and what a mistake in them is told. */
class TrainerOptionsTest {
  @Test
  void driftRetrainingIsOffUnlessAThresholdIsGiven() {
    DriftRetraining drift = settings().drift();

    assertFalse(drift.enabled());
    assertEquals(DriftRetraining.disabled(), drift);
  }

  @Test
  void theDriftOptionsBecomeThePolicy() {
    DriftRetraining both =
        settings(
                "--retrain-when-below-validation",
                "7.5",
                "--retrain-when-below",
                "0.6",
                "--retrain-sustained",
                "2m",
                "--retrain-cooldown",
                "1h",
                "--retrain-min-frames",
                "200",
                "--retrain-epochs",
                "5")
            .drift();
    DriftRetraining floorAlone = settings("--retrain-when-below", "0.55").drift();

    assertEquals(
        new DriftRetraining(7.5, 0.6, Duration.ofMinutes(2), Duration.ofHours(1), 200, 5), both);
    assertEquals(DriftRetraining.below(0.55), floorAlone);
    assertEquals(
        new DriftRetraining(null, 0.55, Duration.ofSeconds(60), Duration.ofMinutes(15), 50, 3),
        floorAlone,
        "the defaults as documented");
  }

  @Test
  void aDriftValueOutOfRangeOrMistypedIsOneLineAndNothingStarts() {
    List<List<String>> mistakes =
        List.of(
            List.of("--retrain-when-below", "1.5"),
            List.of("--retrain-when-below-validation", "0"),
            List.of("--retrain-when-below-validation", "ten"),
            List.of("--retrain-when-below", "0.5", "--retrain-sustained", "12x"),
            List.of("--retrain-when-below", "0.5", "--retrain-epochs", "0"),
            List.of("--retrain-when-below", "0.5", "--retrain-min-frames", "0"),
            List.of("--retrain-cooldown", "1h"));
    List<String> told =
        List.of(
            "error: accuracy floor must be in [0, 1], got 1.5",
            "error: points below validation accuracy must be in (0, 100], got 0.0",
            "error: --retrain-when-below-validation: 'ten' is not a double",
            "error: --retrain-sustained: '12x' is not a duration (examples: 90, 90s, 500ms, 5m, 1h)",
            "error: retraining epochs must be at least 1, got 0",
            "error: minimum labelled frames must be at least 1, got 0",
            "error: --retrain-cooldown needs --retrain-when-below-validation or --retrain-when-below");
    for (int i = 0; i < mistakes.size(); i++) {
      List<String> args = new ArrayList<>(List.of("trainer"));
      args.addAll(mistakes.get(i));
      // A broker nobody listens on: had the trainer started, it would fail differently, and slowly.
      args.addAll(List.of("--bootstrap-servers", "localhost:1"));
      CommandRun run = CommandRun.of(args.toArray(String[]::new));

      assertEquals(2, run.exitCode(), args + ": " + run.err());
      assertEquals(told.get(i), run.err().strip(), args.toString());
      assertEquals("", run.out(), args.toString());
    }
  }

  private static TrainerSettings settings(String... options) {
    String[] args = new String[options.length + 1];
    args[0] = "trainer";
    System.arraycopy(options, 0, args, 1, options.length);
    ParseResult parsed = EmotionCli.commandLine().parseArgs(args);
    return ((TrainerCommand) parsed.subcommand().commandSpec().userObject()).settings();
  }
}
