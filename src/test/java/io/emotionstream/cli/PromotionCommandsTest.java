package io.emotionstream.cli;

import static io.emotionstream.testing.ServingRecords.checkpoint;
import static io.emotionstream.testing.ServingRecords.decision;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.classifier.PromotionSettings;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.monitor.ServingStates;
import io.emotionstream.monitor.ServingSummary;
import io.emotionstream.testing.CommandRun;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.ServingRecords;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicRecords;
import io.emotionstream.testing.TopicWatch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code emotion promote}, {@code rollback} and {@code serving} against a real broker and registry.
 * The test plays the classifier: it reads the command off the control topic and answers on the
 * serving topic.
 */
@IntegrationTest
class PromotionCommandsTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();
  private static final Duration ANSWERED = Duration.ofSeconds(60);
  private static final ModelCheckpoint V6 = checkpoint(6, 0.61);
  private static final ModelCheckpoint V7 = checkpoint(7, 0.64);

  private ConnectionSettings settings;

  @BeforeEach
  void freshTopics() {
    settings = FreshTopics.on(kafka.cluster());
    publish(
        decision(ServingDecision.FIRST_MODEL, V6, "the first checkpoint", Instant.now()).build());
  }

  @Test
  void promoteWaitsForTheAnswerToItsOwnCommandAndPrintsTheVersionThatServes() throws Exception {
    CompletableFuture<CommandRun> promote =
        runAsync("promote", "--version", "7", "--reason", "better at night");

    ControlCommand command = sent(CommandType.PROMOTE);
    assertEquals(7L, command.getTargetVersion());
    assertEquals("better at night", command.getReason());
    // Decisions that do not answer this command come first: the command waits on.
    publish(
        decision(ServingDecision.CANDIDATE, V6, "version 7 is scored in shadow", Instant.now())
            .setCandidateVersion(7L)
            .build(),
        decision(ServingDecision.REFUSED, V6, "someone else's command", Instant.now())
            .setCommandId("another-command")
            .build(),
        decision(ServingDecision.PROMOTED, V7, "promoted by hand: better at night", Instant.now())
            .setPrevious(V6)
            .setCommandId(command.getCommandId())
            .build());
    CommandRun result = promote.get(ANSWERED.toSeconds(), TimeUnit.SECONDS);

    assertEquals(0, result.exitCode(), result.err());
    assertEquals(
        "deep-emotion: version 7 serves (PROMOTED): promoted by hand: better at night\n",
        result.out());
    assertEquals("", result.err());
  }

  @Test
  void aRefusedPromotionExitsOneWithTheClassifiersReasonOnStderr() throws Exception {
    CompletableFuture<CommandRun> promote = runAsync("promote", "--version", "v9");

    ControlCommand command = sent(CommandType.PROMOTE);
    assertEquals(9L, command.getTargetVersion(), "v9 is version 9");
    publish(
        decision(
                ServingDecision.REFUSED,
                V6,
                "PROMOTE refused: version 9 is not at hand",
                Instant.now())
            .setCommandId(command.getCommandId())
            .build());
    CommandRun result = promote.get(ANSWERED.toSeconds(), TimeUnit.SECONDS);

    assertEquals(1, result.exitCode(), result.out());
    assertEquals("", result.out());
    assertEquals(
        "error: deep-emotion: PROMOTE refused: version 9 is not at hand (version 6 serves on)",
        result.err().strip());
  }

  @Test
  void beforeAnyVersionServesNothingIsSentForNoClassifierCouldFollowIt() {
    CommandRun result =
        CommandRun.against(settings, "promote", "--version", "7", "--model-name", "unknown-model");

    assertEquals(1, result.exitCode(), result.out());
    assertEquals(
        "error: no version of unknown-model serves yet (no decision on "
            + settings.topics().serving()
            + "): the classifiers follow PROMOTE once they serve a first model; nothing sent",
        result.err().strip());
    assertEquals(List.of(), commandsSent(0), "no command sent");
  }

  @Test
  void rollbackSendsARollbackAndExitsZeroWhenThePreviousVersionServesAgain() throws Exception {
    CompletableFuture<CommandRun> rollback =
        runAsync("rollback", "--reason", "v7 misreads glasses");

    ControlCommand command = sent(CommandType.ROLLBACK);
    assertEquals("v7 misreads glasses", command.getReason());
    publish(
        decision(
                ServingDecision.ROLLED_BACK,
                V6,
                "rolled back by hand: v7 misreads glasses",
                Instant.now())
            .setHeldBackThrough(7)
            .setCommandId(command.getCommandId())
            .build());
    CommandRun result = rollback.get(ANSWERED.toSeconds(), TimeUnit.SECONDS);

    assertEquals(0, result.exitCode(), result.err());
    assertEquals(
        "deep-emotion: version 6 serves (ROLLED_BACK): rolled back by hand: v7 misreads glasses",
        result.out().strip());
  }

  @Test
  void withNoClassifierToAnswerItSaysSoWithItsOwnExitCodeAndTheCommandStaysOnTheTopic() {
    CommandRun result = CommandRun.against(settings, "rollback", "--timeout", "2s");

    assertEquals(3, result.exitCode(), result.err());
    assertEquals("", result.out());
    String commandId = commandsSent(1).get(0).getCommandId();
    assertEquals(
        "error: no classifier answered ROLLBACK "
            + commandId
            + " within 2s: the command is on "
            + settings.topics().control()
            + "; a classifier applies it when it runs",
        result.err().strip());
  }

  @Test
  void aVersionThatIsNoneIsOneLineAndNothingIsSent() {
    CommandRun words = CommandRun.against(settings, "promote", "--version", "seven");
    CommandRun zero = CommandRun.against(settings, "promote", "--version", "0");
    CommandRun missing = CommandRun.against(settings, "promote");
    CommandRun noTime = CommandRun.against(settings, "promote", "--version", "7", "--timeout", "0");

    assertEquals(2, words.exitCode());
    assertEquals(
        "error: --version: 'seven' is not a model version (a whole number from 1, such as 7)",
        words.err().strip());
    assertEquals(2, zero.exitCode());
    assertTrue(zero.err().startsWith("error: --version: '0' is not a model version"), zero.err());
    assertEquals(2, missing.exitCode());
    assertTrue(
        missing.err().startsWith("error: Missing required option: '--version=V'"), missing.err());
    assertEquals(2, noTime.exitCode());
    assertEquals("error: --timeout must be longer than 0, got PT0S", noTime.err().strip());
    assertEquals(List.of(), commandsSent(0), "no command sent");
    CommandRun help = CommandRun.of("promote", "--help");
    assertEquals(0, help.exitCode(), help.err());
    assertTrue(
        help.out().contains("--version=V"),
        "--version is the command's own, not picocli's: " + help.out());
  }

  @Test
  void servingShowsTheModelsLatestDecisionWithoutItsWeights() {
    ModelCheckpoint other =
        ModelCheckpoint.newBuilder(checkpoint(40, 0.9)).setModelName("other-model").build();
    publish(
        decision(ServingDecision.PROMOTED, V7, "promoted: not worse than version 6", Instant.now())
            .setPrevious(V6)
            .build(),
        decision(
                ServingDecision.KEPT,
                V7,
                "candidate 61.1% is worse than 64.2% on 1200 frames",
                Instant.parse("2026-12-01T10:15:30.250Z"))
            .setPrevious(V6)
            .setCandidateVersion(8L)
            .setComparedFrames(1200)
            .setCandidateAccuracy(0.611)
            .setServingAccuracy(0.642)
            .setHeldBackThrough(5)
            .build(),
        decision(ServingDecision.FIRST_MODEL, other, "the first checkpoint", Instant.now())
            .setPolicy(PromotionPolicy.LATEST)
            .build());

    CommandRun result = CommandRun.against(settings, "serving");

    assertEquals(0, result.exitCode(), result.err());
    assertEquals(
        List.of(
            "deep-emotion: version 7 serves (run run-7, validation accuracy 64.0%, taken 2026-12-01T09:30:00Z)",
            "candidate: version 8, scored in shadow: 61.1% against 64.2% for version 7 on 1200 labelled frames",
            "previous: version 6, which a rollback serves again",
            "policy: GUARDED",
            "last decision: KEPT at 2026-12-01T10:15:30Z: candidate 61.1% is worse than 64.2% on 1200 frames",
            "held back: versions up to 5 never become candidates"),
        result.out().lines().toList());
    assertTrue(!result.out().contains("ZZZZ"), "no weight byte printed");
  }

  @Test
  void servingOfAModelNoClassifierHasDecidedOnExitsOneSayingSo() {
    CommandRun result = CommandRun.against(settings, "serving", "--model-name", "unknown-model");

    assertEquals(1, result.exitCode(), result.out());
    assertEquals(
        "error: no serving decision for model 'unknown-model' on "
            + settings.topics().serving()
            + " yet: a classifier publishes one when it serves its first model",
        result.err().strip());
  }

  @Test
  void aRealClassifierFollowsPromoteAndRollbackAndRefusesASecondRollback(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    ServingStates states = new ServingStates(connection, kafka.serdes(), ModelNames.DEFAULT);
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    try (ClassifierService classifier =
        ClassifierService.start(
            connection,
            ClassifierSettings.defaults()
                .withApplicationId("classifier-" + UUID.randomUUID())
                .withStateDirectory(dir)
                .withPromotion(PromotionSettings.of(PromotionPolicy.MANUAL)),
            new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS))) {
      await().atMost(ANSWERED).until(() -> latestDecision(states).equals("FIRST_MODEL v1"));
      TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(2, 12));
      await().atMost(ANSWERED).until(() -> latestDecision(states).equals("CANDIDATE v1"));

      CommandRun promote =
          CommandRun.against(connection, "promote", "--version", "2", "--reason", "a test");
      CommandRun rollback = CommandRun.against(connection, "rollback");
      CommandRun again = CommandRun.against(connection, "rollback", "--timeout", "20s");
      CommandRun serving = CommandRun.against(connection, "serving");

      assertEquals(0, promote.exitCode(), promote.err());
      assertTrue(
          promote
              .out()
              .matches(
                  "deep-emotion: version 2 serves \\(PROMOTED\\): version 2 promoted by .*"
                      + "\\(a test\\)\n"),
          promote.out());
      assertEquals(0, rollback.exitCode(), rollback.err());
      assertTrue(
          rollback
              .out()
              .startsWith(
                  "deep-emotion: version 1 serves (ROLLED_BACK): rolled back from version 2"),
          rollback.out());
      assertEquals(1, again.exitCode(), again.out());
      assertTrue(
          again.err().startsWith("error: deep-emotion: ROLLBACK refused: nothing to roll back to"),
          again.err());
      assertEquals(0, serving.exitCode(), serving.err());
      assertTrue(
          serving.out().startsWith("deep-emotion: version 1 serves (run test-run-1,"),
          serving.out());
      assertTrue(serving.out().contains("\npolicy: MANUAL\n"), serving.out());
    }
  }

  private static String latestDecision(ServingStates states) {
    Optional<ServingSummary> latest = states.latest();
    return latest.map(s -> s.decision() + " v" + s.served().version()).orElse("none");
  }

  /** The command of that type on the control topic, once the running command has sent it. */
  private ControlCommand sent(CommandType type) {
    try (TopicWatch<ControlCommand> control =
        new TopicWatch<>(
            settings,
            settings.topics().control(),
            kafka.serdes().keys().deserializer(),
            kafka.serdes().commands().deserializer())) {
      return control.await(c -> c.getType() == type, ANSWERED);
    }
  }

  private List<ControlCommand> commandsSent(int atLeast) {
    return TopicRecords.readAtLeast(
            settings,
            settings.topics().control(),
            kafka.serdes().keys().deserializer(),
            kafka.serdes().commands().deserializer(),
            atLeast)
        .stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  private CompletableFuture<CommandRun> runAsync(String... args) {
    return CompletableFuture.supplyAsync(() -> CommandRun.against(settings, args));
  }

  private void publish(ServingState... states) {
    ServingRecords.publish(settings, kafka.serdes(), states);
  }
}
