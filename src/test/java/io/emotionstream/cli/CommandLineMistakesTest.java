package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.testing.CommandRun;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;

/**
 * What a user who mistypes a command line is told: one line naming the option and what is wrong.
 */
class CommandLineMistakesTest {
  @TempDir Path dir;

  @Test
  void aPlainNumberIsADurationInSeconds() {
    assertEquals(Duration.ofSeconds(120), demoDuration("120"));
    assertEquals(Duration.ofSeconds(90), demoDuration("90s"));
    assertEquals(Duration.ofMinutes(5), demoDuration("5m"));
    assertEquals(Duration.ofMillis(500), demoDuration("500ms"));
    assertEquals(Duration.ofSeconds(10), demoDuration("PT10S"));
  }

  @Test
  void aBadDurationIsOneLineWithExamplesInsteadOfTheUsage() {
    CommandRun run = CommandRun.of("demo", "--duration", "12x");

    assertEquals(2, run.exitCode());
    assertEquals(
        "error: --duration: '12x' is not a duration (examples: 90, 90s, 500ms, 5m, 1h)",
        run.err().strip());
    assertEquals("", run.out());
  }

  @Test
  void anUnknownGuaranteeIsOneLineNamingTheChoices() {
    CommandRun run = CommandRun.of("classifier", "--processing-guarantee", "at-most-once");

    assertEquals(2, run.exitCode());
    assertEquals(
        "error: --processing-guarantee: 'at-most-once' is not a processing guarantee: use exactly-once or "
            + "at-least-once",
        run.err().strip());
    assertEquals("", run.out());
  }

  @Test
  void anAccuracyWindowThatIsNotAWholeNumberOfAdvancesIsOneLineBeforeAnythingStarts() {
    Path stateRoot = dir.resolve("state");
    CommandRun run =
        CommandRun.of(
            "classifier",
            "--accuracy-window",
            "60s",
            "--accuracy-advance",
            "7s",
            "--bootstrap-servers",
            "localhost:1",
            "--state-dir",
            stateRoot.toString());

    assertEquals(1, run.exitCode());
    assertEquals(
        "error: accuracy window (60000 ms) must be a whole number of advances (7000 ms)",
        run.err().strip());
    assertTrue(Files.notExists(stateRoot), "no state directory claimed");
  }

  @Test
  void everyCommandThatReadsAMissingFileSaysNoSuchFileBeforeDoingAnything() {
    String missing = dir.resolve("missing.csv").toString();
    List<List<String>> commands =
        List.of(
            List.of("produce", "training", "--csv", missing),
            List.of("produce", "frames", "--csv", missing),
            List.of("dataset", "split", "--csv", missing, "--out", dir.toString()),
            List.of("train", "--csv", missing, "--out", dir.toString()),
            List.of("evaluate", "--model", missing, "--csv", dir.toString()),
            List.of("publish-checkpoint", "--model", missing),
            List.of(
                "import-pytorch",
                "--state-dict",
                missing,
                "--out",
                dir.resolve("m.ckpt").toString()),
            List.of(
                "export",
                "--model",
                missing,
                "--format",
                "pytorch",
                "--out",
                dir.resolve("m.pth").toString()),
            List.of("demo", "--fer2013", missing),
            List.of("topics", "create", "--client-config", missing));
    for (List<String> command : commands) {
      CommandRun run = CommandRun.of(command.toArray(String[]::new));
      String option = command.get(command.indexOf(missing) - 1);

      assertEquals(2, run.exitCode(), command + ": " + run.err());
      assertEquals(
          "error: " + option + ": no such file: " + missing, run.err().strip(), command.toString());
    }
  }

  @Test
  void aFolderWhereAFileBelongsAndAFileWhereAFolderBelongsAreNamedSo() throws Exception {
    Path file = Files.writeString(dir.resolve("faces.csv"), "emotion,pixels\n");

    CommandRun folderAsFile = CommandRun.of("produce", "training", "--csv", dir.toString());
    CommandRun fileAsFolder = CommandRun.of("produce", "frames", "--images", file.toString());

    assertEquals("error: --csv: is a folder, not a file: " + dir, folderAsFile.err().strip());
    assertEquals("error: --images: not a folder: " + file, fileAsFolder.err().strip());
  }

  @Test
  void aFileSystemFailureSaysWhatIsWrongWithThePathNotOnlyThePath() {
    assertEquals(
        "permission denied: /srv/faces.csv",
        FileErrors.describe(new AccessDeniedException("/srv/faces.csv")));
    assertEquals(
        "no such file: data/fer2013.csv",
        FileErrors.describe(new UncheckedIOException(new NoSuchFileException("data/fer2013.csv"))));
    assertEquals(
        "the broker is away", FileErrors.describe(new IllegalStateException("the broker is away")));
  }

  private static Duration demoDuration(String value) {
    ParseResult parsed = EmotionCli.commandLine().parseArgs("demo", "--duration", value);
    return ((DemoCommand) parsed.subcommand().commandSpec().userObject()).duration;
  }
}
