package io.emotionstream.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingExample;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.avro.Usage;
import io.emotionstream.control.CommandSender;
import io.emotionstream.control.Commands;
import io.emotionstream.control.ModelNames;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.ModelTraining;
import io.emotionstream.model.ModelWeights;
import io.emotionstream.model.TrainingListener;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicWatch;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class TrainerServiceTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
  private static FaceSet training;
  private static FaceSet learnable;
  private static FaceSet validation;

  private ConnectionSettings settings;
  private TopicWatch<TrainingStatus> statuses;
  private TopicWatch<ModelCheckpoint> checkpoints;

  @BeforeAll
  static void generateFaces() {
    training = SyntheticFaces.generate(30, 1, SyntheticFaces.Variation.NONE);
    // 60 faces a class: enough for six epochs to learn with margin (see the learning test).
    learnable = SyntheticFaces.generate(60, 1, SyntheticFaces.Variation.NONE);
    validation = SyntheticFaces.generate(8, 2, SyntheticFaces.Variation.NONE);
  }

  @BeforeEach
  void freshTopics() {
    settings = FreshTopics.on(kafka.cluster(), 2);
    TopicSerdes serdes = kafka.serdes();
    statuses =
        new TopicWatch<>(
            settings,
            settings.topics().trainerStatus(),
            serdes.keys().deserializer(),
            serdes.trainingStatuses().deserializer());
    checkpoints =
        new TopicWatch<>(
            settings,
            settings.topics().checkpoints(),
            serdes.keys().deserializer(),
            serdes.checkpoints().deserializer());
  }

  @AfterEach
  void closeWatches() {
    statuses.close();
    checkpoints.close();
  }

  @Test
  void retrainPublishesAStatusAndARisingCheckpointPerEpochAndLearnsFarBeyondChance()
      throws Exception {
    produceFaces(learnable);
    try (TrainerService trainer = start(TrainerSettings.defaults())) {
      ControlCommand command = send(quick(6));
      String runId = Commands.runId(command.getCommandId());

      statuses.await(s -> isRun(s, runId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);

      List<TrainingStatus> ofRun = ofRun(runId);
      assertEquals(
          List.of(
              RunState.QUEUED,
              RunState.STARTED,
              RunState.EPOCH_COMPLETED,
              RunState.EPOCH_COMPLETED,
              RunState.EPOCH_COMPLETED,
              RunState.EPOCH_COMPLETED,
              RunState.EPOCH_COMPLETED,
              RunState.EPOCH_COMPLETED,
              RunState.COMPLETED),
          ofRun.stream().map(TrainingStatus::getState).toList());
      List<TrainingStatus> epochs = epochStatuses(ofRun);
      assertEquals(
          List.of(1, 2, 3, 4, 5, 6), epochs.stream().map(TrainingStatus::getEpoch).toList());
      epochs.forEach(
          s -> {
            assertNotNull(s.getTrainLoss());
            assertNotNull(s.getValidationAccuracy());
            assertTrue(s.getExamplesPerSecond() > 0);
            assertNotNull(s.getEtaSeconds());
          });

      List<ModelCheckpoint> published = checkpoints.values();
      assertEquals(
          List.of(1L, 2L, 3L, 4L, 5L, 6L),
          published.stream().map(ModelCheckpoint::getVersion).toList());
      assertEquals(
          epochs.stream().map(TrainingStatus::getModelVersion).toList(),
          published.stream().map(ModelCheckpoint::getVersion).toList());
      for (ModelCheckpoint checkpoint : published) {
        assertEquals("deep-emotion", checkpoint.getModelName());
        assertEquals(runId, checkpoint.getRunId());
        assertEquals(Sha256.hex(checkpoint.getWeights().duplicate()), checkpoint.getSha256());
        assertEquals(8, checkpoint.getHyperparameters().getBatchSize());
        Checkpoint file = CheckpointFile.fromRecord(checkpoint); // whole and readable
        assertEquals(checkpoint.getEpoch(), file.epoch());
        assertEquals(checkpoint.getValidationAccuracy(), file.validationAccuracy());
      }
      // Chance is 1/7 = 0.14. This run ends at 0.84 on these 56 held-out faces, and the same on
      // every run:
      // training is bit-reproducible. The recipe on these faces in memory, seeds 1 to 12:
      // 0.59-0.88,
      // but for one (6) whose network goes silent in its first epoch and stays at chance.
      double accuracy = published.get(5).getValidationAccuracy();
      assertTrue(accuracy >= 0.4, "validation accuracy " + accuracy);

      // The metrics the trainer serves tell the same story as the topic.
      assertEquals(6, trainer.metrics().statuses(RunState.EPOCH_COMPLETED));
      assertEquals(1, trainer.metrics().statuses(RunState.COMPLETED));
      assertEquals(6L, trainer.metrics().modelVersion());
      assertEquals(accuracy, trainer.metrics().lastValidationAccuracy(), 1e-12);
      assertEquals(0, trainer.metrics().skippedBatches());
      assertTrue(trainer.metrics().batches() > 0);
    }
  }

  @Test
  void aRunFromTheTopicEndsWithTheWeightsEmotionTrainGivesOnTheSameFacesBitForBit(@TempDir Path dir)
      throws Exception {
    FaceSet faces = SyntheticFaces.generate(10, 4, SyntheticFaces.Variation.NONE);
    produceInOrder(faces); // one partition: the order a CSV of the same faces has
    ControlCommand command;
    ModelCheckpoint last;
    try (TrainerService trainer = start(TrainerSettings.defaults())) {
      command = send(quick(2).setSeed(3L));
      String runId = Commands.runId(command.getCommandId());
      statuses.await(s -> isRun(s, runId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);
      last = checkpoints.values().get(checkpoints.values().size() - 1);
      assertEquals(2, last.getEpoch());
    }

    ModelTraining.run(
        Commands.hyperparameters(command),
        faces,
        validation,
        null,
        dir,
        new TrainingListener() {},
        () -> false);

    ModelWeights fromTheTopic = CheckpointFile.fromRecord(last).weights();
    ModelWeights fromTrain = CheckpointFile.read(dir.resolve(ModelTraining.LAST)).weights();
    for (String name : fromTrain.tensors().keySet()) {
      assertArrayEquals(fromTrain.get(name).values(), fromTheTopic.get(name).values(), name);
    }
  }

  @Test
  void cancelStopsTheRunWithinOneBatchOfTheCommandArriving() {
    produceFaces(learnable); // 420 faces in batches of 32: 14 batches an epoch
    try (TrainerService trainer = start(TrainerSettings.defaults())) {
      ControlCommand run = send(quick(200).setBatchSize(32));
      String runId = Commands.runId(run.getCommandId());
      Awaitility.await().atMost(RUN_TIMEOUT).until(() -> trainer.metrics().batches() >= 3);

      send(Commands.cancel(null)); // returns once the broker holds the command
      long batchesAtCommand = trainer.metrics().batches();
      statuses.await(s -> isRun(s, runId) && s.getState() == RunState.CANCELLED, RUN_TIMEOUT);

      // The batch under way when the command landed may finish, and one more may start while the
      // trainer's consumer fetches it; a trainer that looked only between epochs would go on for up
      // to 14.
      long batchesAfter = trainer.metrics().batches() - batchesAtCommand;
      assertTrue(
          batchesAfter <= 2, batchesAfter + " batches trained after the cancel command arrived");
    }
  }

  @Test
  void cancelStopsTheRunningRunAndTheQueuedRunStartsNext() {
    produceFaces();
    try (TrainerService trainer = start(TrainerSettings.defaults())) {
      ControlCommand longRun = send(quick(200));
      ControlCommand next = send(quick(1));
      String longId = Commands.runId(longRun.getCommandId());
      String nextId = Commands.runId(next.getCommandId());
      statuses.await(
          s -> isRun(s, longId) && s.getState() == RunState.EPOCH_COMPLETED, RUN_TIMEOUT);

      send(Commands.cancel(null));

      TrainingStatus cancelled =
          statuses.await(s -> isRun(s, longId) && s.getState() == RunState.CANCELLED, RUN_TIMEOUT);
      statuses.await(s -> isRun(s, nextId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);
      assertTrue(cancelled.getEpoch() < 200, "cancelled after epoch " + cancelled.getEpoch());
      List<TrainingStatus> ofLong = ofRun(longId);
      assertEquals(
          RunState.CANCELLED,
          ofLong.get(ofLong.size() - 1).getState(),
          "nothing after the cancellation");
      int epochsDone = cancelled.getEpoch();
      assertEquals(epochsDone, epochStatuses(ofLong).size());
      assertEquals(
          epochsDone,
          checkpoints.values().stream().filter(c -> c.getRunId().equals(longId)).count(),
          "no checkpoint of the epoch the cancellation cut short");
    }
  }

  @Test
  void cancelOfAQueuedRunRemovesItFromTheQueue() {
    produceFaces();
    try (TrainerService trainer = start(TrainerSettings.defaults())) {
      ControlCommand first = send(quick(2));
      ControlCommand queued = send(quick(2));
      String queuedId = Commands.runId(queued.getCommandId());
      send(Commands.cancel(queuedId));

      statuses.await(
          s -> isRun(s, Commands.runId(first.getCommandId())) && s.getState() == RunState.COMPLETED,
          RUN_TIMEOUT);
      assertEquals(
          List.of(RunState.QUEUED, RunState.CANCELLED),
          ofRun(queuedId).stream().map(TrainingStatus::getState).toList());
    }
  }

  @Test
  void rejectsAnInvalidCommandDeadLettersAnUnreadableOneAndRunsTheNextValidOne() throws Exception {
    produceFaces();
    try (TrainerService trainer = start(TrainerSettings.defaults());
        TopicWatch<DeadLetter> deadLetters =
            new TopicWatch<>(
                settings,
                settings.topics().deadLetters(),
                kafka.serdes().keys().deserializer(),
                kafka.serdes().deadLetters().deserializer())) {
      ControlCommand unknownOptimizer = send(quick(1).setOptimizer("adagrad").build());
      ControlCommand negativeRate = send(quick(1).setLearningRate(-0.1).build());
      long poisonOffset = sendRaw(new byte[] {0, 0, 0, 0, 99, 1, 2, 3});
      ControlCommand valid = send(quick(1).build());

      TrainingStatus rejected =
          statuses.await(
              s ->
                  isRun(s, Commands.runId(unknownOptimizer.getCommandId()))
                      && s.getState() == RunState.REJECTED,
              RUN_TIMEOUT);
      assertTrue(
          rejected.getMessage().contains("unknown optimizer 'adagrad'"), rejected.getMessage());
      TrainingStatus rejectedRate =
          statuses.await(
              s ->
                  isRun(s, Commands.runId(negativeRate.getCommandId()))
                      && s.getState() == RunState.REJECTED,
              RUN_TIMEOUT);
      assertTrue(rejectedRate.getMessage().contains("learning rate"), rejectedRate.getMessage());
      statuses.await(
          s -> isRun(s, Commands.runId(valid.getCommandId())) && s.getState() == RunState.COMPLETED,
          RUN_TIMEOUT);
      DeadLetter letter =
          deadLetters.await(
              d -> settings.topics().control().equals(d.getSourceTopic()), RUN_TIMEOUT);
      assertEquals(0, letter.getSourcePartition());
      assertEquals(poisonOffset, letter.getSourceOffset());
      assertTrue(trainer.isRunning());
    }
  }

  @Test
  void aCommandSentTwiceRunsOnceAlsoWhenStreamingPastTheCacheLimit() {
    produceFaces();
    try (TrainerService trainer =
        start(TrainerSettings.defaults().withCacheLimit(50).withShuffleBuffer(64))) {
      ControlCommand command = quick(2).build();
      send(command);
      send(command);
      ControlCommand after = send(quick(1));
      String runId = Commands.runId(command.getCommandId());

      statuses.await(
          s -> isRun(s, Commands.runId(after.getCommandId())) && s.getState() == RunState.COMPLETED,
          RUN_TIMEOUT);
      assertEquals(
          List.of(
              RunState.QUEUED,
              RunState.STARTED,
              RunState.EPOCH_COMPLETED,
              RunState.EPOCH_COMPLETED,
              RunState.COMPLETED),
          ofRun(runId).stream().map(TrainingStatus::getState).toList());
      List<TrainingStatus> epochs = epochStatuses(ofRun(runId));
      // Every training face is seen once per epoch, though at most 64 are held at a time.
      epochs.forEach(s -> assertEquals(training.size() + " training faces", s.getMessage()));
      assertEquals(
          List.of(1L, 2L, 3L),
          checkpoints.values().stream().map(ModelCheckpoint::getVersion).toList());
    }
  }

  @Test
  void aTrainerStoppedMidRunIsResumedByTheNextWithoutRepeatingAVersionOrAnEpoch() throws Exception {
    produceFaces();
    ControlCommand command;
    String runId;
    try (TrainerService first = start(TrainerSettings.defaults())) {
      command = send(quick(5));
      runId = Commands.runId(command.getCommandId());
      statuses.await(
          s -> isRun(s, runId) && s.getState() == RunState.EPOCH_COMPLETED && s.getEpoch() == 2,
          RUN_TIMEOUT);
    } // stops between two batches, as a crash would, with epoch 3 under way
    List<TrainingStatus> before = ofRun(runId);
    assertFalse(
        before.stream().anyMatch(s -> s.getState() == RunState.COMPLETED), "stopped mid-run");

    try (TrainerService second = start(TrainerSettings.defaults())) {
      statuses.await(s -> isRun(s, runId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);
    }

    List<TrainingStatus> ofRun = ofRun(runId);
    assertEquals(
        List.of(1, 2, 3, 4, 5),
        epochStatuses(ofRun).stream().map(TrainingStatus::getEpoch).toList());
    assertEquals(1, ofRun.stream().filter(s -> s.getState() == RunState.QUEUED).count());
    List<ModelCheckpoint> published = checkpoints.values();
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L), published.stream().map(ModelCheckpoint::getVersion).toList());
    assertEquals(
        List.of(1, 2, 3, 4, 5), published.stream().map(ModelCheckpoint::getEpoch).toList());
    TrainingStatus resumed =
        ofRun.stream()
            .filter(s -> s.getState() == RunState.STARTED)
            .reduce((a, b) -> b)
            .orElseThrow();
    assertTrue(resumed.getMessage().startsWith("resumed after epoch"), resumed.getMessage());
  }

  @Test
  void fineTuneStartsFromTheLatestCheckpointAndFailsClearlyWhenThereIsNone() {
    try (TrainerService trainer = start(TrainerSettings.defaults())) {
      ControlCommand noData = send(quick(1));
      TrainingStatus failed =
          statuses.await(
              s ->
                  isRun(s, Commands.runId(noData.getCommandId()))
                      && s.getState() == RunState.FAILED,
              RUN_TIMEOUT);
      assertTrue(failed.getMessage().contains("no TRAINING examples"), failed.getMessage());
      assertTrue(failed.getMessage().contains(settings.topics().training()), failed.getMessage());

      ControlCommand nothingToTune = send(quick(1).setMode(TrainingMode.FINE_TUNE));
      TrainingStatus refused =
          statuses.await(
              s ->
                  isRun(s, Commands.runId(nothingToTune.getCommandId()))
                      && s.getState() == RunState.FAILED,
              RUN_TIMEOUT);
      assertTrue(
          refused.getMessage().contains("no checkpoint of deep-emotion to fine-tune from"),
          refused.getMessage());

      produceFaces();
      ControlCommand scratch = send(quick(1));
      String fineTuneId = fineTuneOneEpoch();
      String started = startedMessage(fineTuneId);
      assertTrue(started.startsWith("fine-tuning checkpoint version 1 "), started);
      List<ModelCheckpoint> published = checkpoints.values();
      assertEquals(
          List.of(Commands.runId(scratch.getCommandId()), fineTuneId),
          published.stream().map(ModelCheckpoint::getRunId).toList());
      assertEquals(List.of(1L, 2L), published.stream().map(ModelCheckpoint::getVersion).toList());
    }
  }

  @Test
  void aModelFilePublishedWhileTheTrainerRunsKeepsItsVersionAndIsWhatFineTuningStartsFrom(
      @TempDir Path dir) throws Exception {
    produceFaces();
    try (TrainerService trainer = start(TrainerSettings.defaults())) {
      ControlCommand scratch = send(quick(1));
      String scratchId = Commands.runId(scratch.getCommandId());
      statuses.await(s -> isRun(s, scratchId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);

      // A model trained elsewhere, published with publish-checkpoint while this trainer is up.
      Path file = dir.resolve("offline.ckpt");
      ByteBuffer weights = TestCheckpoints.deepEmotion(99, 3).getWeights();
      byte[] bytes = new byte[weights.remaining()];
      weights.get(bytes);
      Files.write(file, bytes);
      ModelCheckpoint offline =
          CheckpointPublisher.connect(settings, kafka.serdes(), ModelNames.DEFAULT)
              .publishFile(file);
      assertEquals(2, offline.getVersion());

      String fineTuneId = fineTuneOneEpoch();
      String started = startedMessage(fineTuneId);
      assertTrue(started.startsWith("fine-tuning checkpoint version 2 "), started);
      List<ModelCheckpoint> published = checkpoints.values();
      assertEquals(
          List.of(scratchId, "file:offline.ckpt", fineTuneId),
          published.stream().map(ModelCheckpoint::getRunId).toList());
      assertEquals(
          List.of(1L, 2L, 3L), published.stream().map(ModelCheckpoint::getVersion).toList());
    }
  }

  @Test
  void aSecondTrainerFencesTheFirstSoEachCommandIsAppliedByOneOfThemOnce() throws Exception {
    produceFaces();
    TrainerService first = start(TrainerSettings.defaults());
    try {
      assertTrue(first.awaitReady(RUN_TIMEOUT));
      // Both in one JVM may not train at once (DJL allows one gradient collector per process), so
      // the
      // second starts while the first is idle; a real zombie would be another process.
      try (TrainerService second = start(TrainerSettings.defaults())) {
        assertTrue(second.awaitReady(RUN_TIMEOUT));
        ControlCommand command = send(quick(2));
        String runId = Commands.runId(command.getCommandId());

        statuses.await(s -> isRun(s, runId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);
        Throwable failure = first.awaitTermination();
        assertTrue(failure instanceof TrainerOutput.FencedException, String.valueOf(failure));
        assertTrue(second.isRunning());
        assertEquals(
            List.of(
                RunState.QUEUED,
                RunState.STARTED,
                RunState.EPOCH_COMPLETED,
                RunState.EPOCH_COMPLETED,
                RunState.COMPLETED),
            ofRun(runId).stream().map(TrainingStatus::getState).toList());
        assertEquals(
            List.of(1L, 2L),
            checkpoints.values().stream().map(ModelCheckpoint::getVersion).toList());
      }
    } finally {
      first.close();
    }
  }

  @Test
  void publishBestSendsOnlyCheckpointsThatImproveValidationAccuracy() {
    produceFaces();
    try (TrainerService trainer =
        start(TrainerSettings.defaults().withPublish(PublishPolicy.BEST))) {
      ControlCommand command = send(quick(4));
      String runId = Commands.runId(command.getCommandId());
      statuses.await(s -> isRun(s, runId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);

      List<ModelCheckpoint> published = checkpoints.values();
      assertFalse(published.isEmpty());
      for (int i = 1; i < published.size(); i++) {
        assertTrue(
            published.get(i).getValidationAccuracy()
                > published.get(i - 1).getValidationAccuracy());
        assertEquals(published.get(i - 1).getVersion() + 1, published.get(i).getVersion());
      }
      Map<Integer, Long> versionByEpoch =
          epochStatuses(ofRun(runId)).stream()
              .filter(s -> s.getModelVersion() != null)
              .collect(Collectors.toMap(TrainingStatus::getEpoch, TrainingStatus::getModelVersion));
      assertEquals(published.size(), versionByEpoch.size());
    }
  }

  private TrainerService start(TrainerSettings trainerSettings) {
    return TrainerService.start(settings, kafka.serdes(), trainerSettings);
  }

  private static ControlCommand.Builder quick(int epochs) {
    return Commands.retrain().setEpochs(epochs).setBatchSize(8).setLearningRate(0.001).setSeed(7L);
  }

  private ControlCommand send(ControlCommand.Builder command) {
    return send(command.build());
  }

  private ControlCommand send(ControlCommand command) {
    return CommandSender.sendOnce(settings, kafka.serdes(), ModelNames.DEFAULT, command);
  }

  private long sendRaw(byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            settings.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
      return producer
          .send(new ProducerRecord<>(settings.topics().control(), ModelNames.DEFAULT, value))
          .get()
          .offset();
    }
  }

  private void produceFaces() {
    produceFaces(training);
  }

  private void produceFaces(FaceSet training) {
    try (KafkaProducer<String, TrainingExample> producer =
        new KafkaProducer<>(
            // Not idempotent: on this shared test broker an idempotent producer here met endless
            // OutOfOrderSequenceException retries (seen in 1 of 7 tests), each close waiting out
            // the delivery timeout.
            // One request in flight, so a first batch retried (the fresh topic's leader not yet
            // known)
            // cannot land behind later ones: a seeded run then trains on the same order every time.
            settings.clientConfig(
                Map.of(
                    ProducerConfig.LINGER_MS_CONFIG,
                    5,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    false,
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                    1)),
            kafka.serdes().keys().serializer(),
            kafka.serdes().trainingExamples().serializer())) {
      send(producer, training, Usage.TRAINING);
      send(producer, validation, Usage.VALIDATION);
      send(producer, SyntheticFaces.generate(1, 3, SyntheticFaces.Variation.NONE), Usage.TEST);
      producer.flush();
    }
  }

  /** The faces, then the validation faces, all to the first partition in order. */
  private void produceInOrder(FaceSet faces) {
    try (KafkaProducer<String, TrainingExample> producer =
        new KafkaProducer<>(
            settings.clientConfig(
                Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    false,
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                    1)),
            kafka.serdes().keys().serializer(),
            kafka.serdes().trainingExamples().serializer())) {
      send(producer, faces, Usage.TRAINING, 0);
      send(producer, validation, Usage.VALIDATION, 0);
      producer.flush();
    }
  }

  private void send(KafkaProducer<String, TrainingExample> producer, FaceSet faces, Usage usage) {
    send(producer, faces, usage, null);
  }

  private void send(
      KafkaProducer<String, TrainingExample> producer,
      FaceSet faces,
      Usage usage,
      Integer partition) {
    for (int i = 0; i < faces.size(); i++) {
      String id = usage + "-" + i;
      producer.send(
          new ProducerRecord<>(
              settings.topics().training(),
              partition,
              id,
              TrainingExample.newBuilder()
                  .setExampleId(id)
                  .setLabel(faces.label(i))
                  .setPixels(ByteBuffer.wrap(faces.pixels(i)))
                  .setUsage(usage)
                  .build()));
    }
  }

  /** Sends a one-epoch fine-tune run, waits until it completes, and returns its run id. */
  private String fineTuneOneEpoch() {
    ControlCommand fineTune = send(quick(1).setMode(TrainingMode.FINE_TUNE));
    String runId = Commands.runId(fineTune.getCommandId());
    statuses.await(s -> isRun(s, runId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);
    return runId;
  }

  /** The message of the run's STARTED status: where it started from. */
  private String startedMessage(String runId) {
    return ofRun(runId).stream()
        .filter(s -> s.getState() == RunState.STARTED)
        .findFirst()
        .orElseThrow()
        .getMessage();
  }

  private List<TrainingStatus> ofRun(String runId) {
    return statuses.values().stream().filter(s -> isRun(s, runId)).toList();
  }

  private static List<TrainingStatus> epochStatuses(List<TrainingStatus> ofRun) {
    return ofRun.stream().filter(s -> s.getState() == RunState.EPOCH_COMPLETED).toList();
  }

  private static boolean isRun(TrainingStatus status, String runId) {
    return status.getRunId().equals(runId);
  }
}
