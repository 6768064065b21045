package io.emotionstream.trainer;

import static io.emotionstream.trainer.DriftRecords.MODEL;
import static io.emotionstream.trainer.DriftRecords.accuracy;
import static io.emotionstream.trainer.DriftRecords.serving;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.CommandSender;
import io.emotionstream.control.Commands;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TopicWatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift policy in a real trainer against a real broker and registry: what it sends, and what it
 * does not.
 */
@IntegrationTest
class TrainerDriftTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();
  private static final Duration SUSTAINED = Duration.ofSeconds(2);
  private static final DriftRetraining POLICY =
      DriftRetraining.belowValidation(10)
          .withSustained(SUSTAINED)
          .withCooldown(Duration.ofHours(1))
          .withEpochs(2);

  private ConnectionSettings settings;
  private TopicWatch<ControlCommand> commands;
  private TopicWatch<TrainingStatus> statuses;
  private KafkaProducer<String, AccuracyReport> reports;
  private Instant nextWindow = Instant.now();

  @BeforeEach
  void freshTopics() {
    settings = FreshTopics.on(kafka.cluster());
    TopicSerdes serdes = kafka.serdes();
    commands =
        new TopicWatch<>(
            settings,
            settings.topics().control(),
            serdes.keys().deserializer(),
            serdes.commands().deserializer());
    statuses =
        new TopicWatch<>(
            settings,
            settings.topics().trainerStatus(),
            serdes.keys().deserializer(),
            serdes.trainingStatuses().deserializer());
    reports =
        new KafkaProducer<>(
            settings.clientConfig(
                Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    false,
                    ProducerConfig.ACKS_CONFIG,
                    "all")),
            serdes.keys().serializer(),
            serdes.accuracyReports().serializer());
  }

  @AfterEach
  void close() {
    reports.close();
    commands.close();
    statuses.close();
  }

  @Test
  void
      sendsOneFineTuningRetrainWithItsReasonWhenTheServedModelStaysLowAndNoneWithinTheCooldownEvenAfterARestart()
          throws Exception {
    publishServing(serving(3, 0.81, 4L));
    ControlCommand sent;
    try (TrainerService trainer = startTrainer()) {
      sendUnreadableReport();
      // A candidate's low figures and the served model's fine ones first: neither may start the
      // stretch.
      reports.send(record(accuracy(4, window(), 120, 10)));
      reports.send(record(accuracy(3, window(), 120, 100)));
      long firstTry = System.nanoTime();
      long taken =
          sendLowReportsUntil(
              trainer,
              2,
              () ->
                  trainer.metrics().automaticRetrains() > 0
                      || System.nanoTime() - firstTry > Duration.ofSeconds(30).toNanos());
      ControlCommand retrain =
          commands.await(
              command -> command.getType() == CommandType.RETRAIN, Duration.ofSeconds(30));
      TrainingStatus queued =
          statuses.await(
              status ->
                  status.getRunId().equals(Commands.runId(retrain.getCommandId()))
                      && status.getState() == RunState.QUEUED,
              Duration.ofSeconds(30));

      long stillLow = System.nanoTime();
      taken =
          sendLowReportsUntil(
              trainer,
              taken,
              () -> System.nanoTime() - stillLow > SUSTAINED.multipliedBy(2).toNanos());

      assertEquals(TrainingMode.FINE_TUNE, retrain.getMode());
      assertEquals(2, retrain.getEpochs());
      assertEquals(DriftRetraining.REQUESTED_BY, retrain.getRequestedBy());
      assertTrue(
          retrain
              .getReason()
              .startsWith(
                  "version 3 rolling accuracy 0.52 over 120 labelled frames has stayed "
                      + "10+ points below its validation accuracy 0.81 for "),
          retrain.getReason());
      assertEquals(retrain.getCommandId(), queued.getCommandId());
      assertEquals(
          taken,
          trainer.metrics().driftReports(),
          "every readable report read once, the unreadable passed over");
      assertEquals(List.of(retrain), commands.values(), "one command, none within the cool-down");
      assertEquals(1, trainer.metrics().automaticRetrains());
      sent = retrain;
    }

    try (TrainerService restarted = startTrainer()) {
      long start = System.nanoTime();
      sendLowReportsUntil(
          restarted, 0, () -> System.nanoTime() - start > SUSTAINED.multipliedBy(2).toNanos());

      assertEquals(
          0, restarted.metrics().automaticRetrains(), "the cool-down outlived the restart");
      assertEquals(List.of(sent), commands.values());
    }
  }

  @Test
  void anAutomaticCommandSentBeforeARestartButAppliedAfterItHoldsTheCooldownToo() throws Exception {
    publishServing(serving(3, 0.81));
    ControlCommand pending =
        Commands.retrain()
            .setMode(TrainingMode.FINE_TUNE)
            .setRequestedBy(DriftRetraining.REQUESTED_BY)
            .setReason("sent by a trainer that stopped before applying it")
            .build();
    CommandSender.sendOnce(settings, kafka.serdes(), MODEL, pending);

    try (TrainerService trainer = startTrainer()) {
      statuses.await(
          status -> status.getCommandId().equals(pending.getCommandId()), Duration.ofSeconds(30));
      long start = System.nanoTime();
      sendLowReportsUntil(
          trainer, 0, () -> System.nanoTime() - start > SUSTAINED.multipliedBy(2).toNanos());

      assertEquals(0, trainer.metrics().automaticRetrains());
      assertEquals(List.of(pending), commands.values());
    }
  }

  @Test
  void aTrainerWithoutThePolicyReadsNoReportsAndSendsNothing() throws Exception {
    publishServing(serving(3, 0.81));
    try (TrainerService trainer =
        TrainerService.start(settings, kafka.serdes(), TrainerSettings.defaults())) {
      assertTrue(trainer.awaitReady(Duration.ofSeconds(60)));
      for (int i = 0; i < 5; i++) {
        reports.send(record(accuracy(3, window(), 120, 10))).get();
      }

      assertEquals(0, trainer.metrics().driftReports());
      assertEquals(List.of(), commands.values());
    }
  }

  private TrainerService startTrainer() throws InterruptedException {
    TrainerService trainer =
        TrainerService.start(
            settings, kafka.serdes(), TrainerSettings.defaults().withDrift(POLICY));
    assertTrue(trainer.awaitReady(Duration.ofSeconds(60)), "trainer ready");
    return trainer;
  }

  /**
   * Sends version 3's low reports (0.52) one at a time, each once the trainer has read the one
   * before, until {@code done}: so the policy has seen the condition hold for as long as this took.
   *
   * @param taken reports the trainer has read so far
   * @return reports the trainer has read now
   */
  private long sendLowReportsUntil(TrainerService trainer, long taken, BooleanSupplier done)
      throws Exception {
    while (!done.getAsBoolean()) {
      reports.send(record(accuracy(3, window(), 120, 62))).get();
      long expected = ++taken;
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> trainer.metrics().driftReports() >= expected);
    }
    return taken;
  }

  /** Each report opens a newer window, as the classifier's reports do over time. */
  private Instant window() {
    nextWindow = nextWindow.plusSeconds(10);
    return nextWindow;
  }

  private ProducerRecord<String, AccuracyReport> record(AccuracyReport report) {
    return new ProducerRecord<>(
        settings.topics().accuracy(), Long.toString(report.getModelVersion()), report);
  }

  private void publishServing(ServingState state) throws Exception {
    try (KafkaProducer<String, ServingState> producer =
        new KafkaProducer<>(
            settings.clientConfig(),
            kafka.serdes().keys().serializer(),
            kafka.serdes().servingStates().serializer())) {
      producer.send(new ProducerRecord<>(settings.topics().serving(), MODEL, state)).get();
    }
  }

  private void sendUnreadableReport() throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            settings.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  settings.topics().accuracy(),
                  "3",
                  "not an accuracy report".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }
}
