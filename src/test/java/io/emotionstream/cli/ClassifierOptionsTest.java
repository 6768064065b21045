package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.ProcessingGuarantee;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/** How `emotion classifier`'s options become its settings. */
class ClassifierOptionsTest {
  @Test
  void withoutOptionsTheSettingsAreTheClassifiersOwnDefaults() {
    assertEquals(ClassifierSettings.defaults().withStateDirectory(Path.of("state")), settings());
  }

  @Test
  void exactlyOnceWithATenMillisecondCommitIsTheDefault() {
    ClassifierSettings settings = settings();

    assertEquals(ProcessingGuarantee.EXACTLY_ONCE, settings.processingGuarantee());
    assertEquals(Duration.ofMillis(10), settings.commitInterval());
  }

  @Test
  void atLeastOnceCommitsEverySecondUnlessTheCommitIntervalIsGiven() {
    ClassifierSettings byDefault = settings("--processing-guarantee", "at-least-once");
    ClassifierSettings given =
        settings("--processing-guarantee", "AT-LEAST-ONCE", "--commit-interval-ms", "100");

    assertEquals(ProcessingGuarantee.AT_LEAST_ONCE, byDefault.processingGuarantee());
    assertEquals(Duration.ofSeconds(1), byDefault.commitInterval());
    assertEquals(ProcessingGuarantee.AT_LEAST_ONCE, given.processingGuarantee());
    assertEquals(Duration.ofMillis(100), given.commitInterval());
  }

  private static ClassifierSettings settings(String... options) {
    String[] args = new String[options.length + 1];
    args[0] = "classifier";
    System.arraycopy(options, 0, args, 1, options.length);
    ParseResult parsed = EmotionCli.commandLine().parseArgs(args);
    return ((ClassifierCommand) parsed.subcommand().commandSpec().userObject())
        .settings(Path.of("state"));
  }
}
