package io.emotionstream.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.ClassifierTopology;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.data.FaceSet;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.producer.FrameInput;
import io.emotionstream.producer.FrameProducer;
import io.emotionstream.producer.ProduceSummary;
import io.emotionstream.producer.RatePacer;
import io.emotionstream.producer.SyntheticFrames;
import io.emotionstream.testing.ChildProcess;
import io.emotionstream.testing.CommandRun;
import io.emotionstream.testing.EventLog;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.LastAccuracyReports;
import io.emotionstream.testing.ReplicatedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicRecords;
import io.emotionstream.testing.TopicWatch;
import io.emotionstream.trainer.TrainerService;
import io.emotionstream.trainer.TrainerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a real cluster has, as Kafka's own system tests make them: brokers stopped and started
 * again under running services, the registry restarted, a trainer killed. Three brokers, every
 * topic replicated three times with two in-sync replicas needed for a write. What must hold through
 * each: every record arrives once, nothing good is dead-lettered, and the counts derived from the
 * records still add up.
 */
@IntegrationTest
class ClusterFaultsTest {
  @RegisterExtension static final ReplicatedCluster cluster = new ReplicatedCluster();

  private static final List<String> SOURCES = List.of("cam-1", "cam-2", "cam-3");
  private static final int PARTITIONS = 3;
  private static final int EPOCHS = 8;

  /** Enough for a broker's stop and start (about 3 s each here) to fall well within the run. */
  private static final int EPOCHS_ACROSS_A_RESTART = 12;

  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
  private static final Predicate<DeadLetter> OF_A_FRAME =
      letter -> ClassifierTopology.FRAME_STAGE.equals(letter.getStage());

  private final TopicSerdes serdes = cluster.serdes();

  @Test
  void
      everyFrameGivesOneEventOrDeadLetterAndTheAccuracyAddsUpWhileTheFramesLeaderIsStoppedAndStarted(
          @TempDir Path dir) throws Exception {
    ConnectionSettings connection = cluster.freshTopics(PARTITIONS);
    TestCheckpoints.publish(connection, serdes, TestCheckpoints.deepEmotion(1, 11));
    int leader = cluster.leaderOf(connection.topics().frames(), partitionOf(SOURCES.get(0)));
    FrameStream frames = new FrameStream();
    try (EventLog log = new EventLog(connection, serdes)) {
      try (ClassifierService classifier = startClassifier(connection, dir);
          FrameProducer producer = new FrameProducer(connection, serdes)) {
        frames.send(producer, 60);
        log.awaitOutcomes(60, OF_A_FRAME);

        CompletableFuture<Void> streaming = frames.streamUntilStopped(producer);
        cluster.stopBroker(leader);
        log.awaitCount(log.all().size() + 60); // classifying goes on with the broker down
        cluster.startBroker(leader);
        log.awaitCount(log.all().size() + 60); // and with it back as a follower
        frames.stop();
        streaming.get();
        log.awaitOutcomes(frames.sent(), OF_A_FRAME);
        log.drainFor(Duration.ofSeconds(2));
        // While the classifier runs: a window's last changes are reported at the next advance.
        LastAccuracyReports.assertCountEveryLabelledEvent(
            connection, serdes, log.all(), RUN_TIMEOUT);
      }

      assertEveryFrameHasOneOutcome(connection, frames, log);
    }
  }

  @Test
  void theClassifierWaitsOutARegistryRestartAndDeadLettersNothingForIt(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = cluster.freshTopics(PARTITIONS);
    ModelCheckpoint checkpoint = TestCheckpoints.deepEmotion(1, 11);
    // Its schema registered while the registry is up, as by a trainer started before the outage: it
    // publishes during the outage, the classifier cannot read it before the registry is back.
    serdes.checkpoints().serializer().serialize(connection.topics().checkpoints(), checkpoint);
    FrameStream frames = new FrameStream();
    try (EventLog log = new EventLog(connection, serdes)) {
      try (ClassifierService classifier = startClassifier(connection, dir);
          FrameProducer producer = new FrameProducer(connection, serdes)) {
        frames.send(producer, 30);
        log.awaitDeadLetter(OF_A_FRAME); // the classifier reads frames: it has their schema

        CompletableFuture<Void> streaming = frames.streamUntilStopped(producer);
        cluster.stopRegistry();
        TestCheckpoints.publish(connection, serdes, checkpoint);
        // It has tried to read the checkpoint, and tried again, while the registry was away.
        await().atMost(RUN_TIMEOUT).until(() -> classifier.metrics().checkpointRetries() >= 2);
        cluster.startRegistry();
        log.awaitCount(
            60); // the checkpoint serves once the registry is back, and the frames that waited go
        frames.stop();
        streaming.get();
        log.awaitOutcomes(frames.sent(), OF_A_FRAME);
        log.drainFor(Duration.ofSeconds(2));
      }

      assertEveryFrameHasOneOutcome(connection, frames, log);
      assertTrue(log.all().stream().allMatch(event -> event.getModelVersion() == 1));
    }
  }

  @Test
  void aTrainingRunCompletesAcrossABrokerRestartWithConsecutiveVersionsEachPublishedOnce(
      @TempDir Path dir) throws Exception {
    ConnectionSettings connection = cluster.freshTopics(2);
    produceTrainingFaces(connection, dir);
    try (TopicWatch<TrainingStatus> statuses = statusesOf(connection);
        TrainerService trainer =
            TrainerService.start(connection, serdes, TrainerSettings.defaults())) {
      String runId = retrain(connection, EPOCHS_ACROSS_A_RESTART);
      statuses.await(s -> ofRun(s, runId) && s.getState() == RunState.EPOCH_COMPLETED, RUN_TIMEOUT);
      int leader = cluster.leaderOf(connection.topics().checkpoints(), 0);

      cluster.stopBroker(leader);
      int epochAtStop = lastEpoch(statuses, runId);
      statuses.await(
          s -> ofRun(s, runId) && s.getEpoch() > epochAtStop, RUN_TIMEOUT); // it trains on
      assertFalse(
          states(statuses, runId).contains(RunState.COMPLETED),
          "the broker comes back during the run");
      cluster.startBroker(leader);
      statuses.await(s -> ofRun(s, runId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);

      assertEveryEpochAndVersionOnce(connection, statuses, runId, EPOCHS_ACROSS_A_RESTART);
      assertEquals(
          1,
          states(statuses, runId).stream().filter(state -> state == RunState.STARTED).count(),
          "never restarted");
    }
  }

  @Test
  void aTrainerKilledMidEpochIsResumedFromKafkaAloneWhileTheLeadersOfItsTopicsMove(
      @TempDir Path dir) throws Exception {
    ConnectionSettings connection = cluster.freshTopics(2);
    produceTrainingFaces(connection, dir);
    try (TopicWatch<TrainingStatus> statuses = statusesOf(connection)) {
      String runId;
      try (ChildProcess killed =
          ChildProcess.emotion(
              dir.resolve("trainer.log"),
              "trainer",
              "--bootstrap-servers",
              connection.bootstrapServers(),
              "--registry-url",
              connection.registryUrl(),
              "--topic-prefix",
              connection.topics().prefix())) {
        runId = retrain(connection, EPOCHS);
        statuses.await(
            s -> ofRun(s, runId) && s.getState() == RunState.EPOCH_COMPLETED && s.getEpoch() == 2,
            RUN_TIMEOUT);
        killed.kill(); // in epoch 3, most likely: no shutdown hook, nothing more committed
      }
      int epochsDone = lastEpoch(statuses, runId);
      assertTrue(epochsDone < EPOCHS, "killed mid-run");
      int leader = cluster.leaderOf(connection.topics().checkpoints(), 0);
      cluster.stopBroker(leader);
      try (TrainerService resumed =
          TrainerService.start(connection, serdes, TrainerSettings.defaults())) {
        statuses.await(
            s ->
                ofRun(s, runId)
                    && s.getState() == RunState.EPOCH_COMPLETED
                    && s.getEpoch() > epochsDone,
            RUN_TIMEOUT);
        cluster.startBroker(leader);
        statuses.await(s -> ofRun(s, runId) && s.getState() == RunState.COMPLETED, RUN_TIMEOUT);
      }

      List<TrainingStatus> started =
          statuses.values().stream()
              .filter(s -> ofRun(s, runId) && s.getState() == RunState.STARTED)
              .toList();
      assertEquals(2, started.size(), "started, then resumed once");
      assertTrue(
          started.get(1).getMessage().startsWith("resumed after epoch " + epochsDone + " "),
          started.get(1).getMessage());
      assertEveryEpochAndVersionOnce(connection, statuses, runId, EPOCHS);
    }
  }

  private static ClassifierService startClassifier(ConnectionSettings connection, Path dir) {
    // Tumbling windows, late frames counted for ten minutes: the last reports of the windows a
    // test's
    // frames fall in add up to all of them. Five seconds long, as windows are reported once an
    // advance.
    ClassifierSettings settings =
        ClassifierSettings.defaults()
            .withApplicationId("classifier-" + UUID.randomUUID())
            .withStateDirectory(dir.resolve("state"))
            .withAccuracyWindows(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(10));
    return ClassifierService.start(
        connection, settings, new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
  }

  /** The frames partition a source's frames go to, as the producer's partitioner picks it. */
  private static int partitionOf(String source) {
    return BuiltInPartitioner.partitionForKey(source.getBytes(StandardCharsets.UTF_8), PARTITIONS);
  }

  /**
   * Every frame on the frames topic has exactly one outcome, an event or a dead letter, none has
   * another one, and nothing else was dead-lettered (a good checkpoint or frame refused for a fault
   * of the cluster).
   */
  private void assertEveryFrameHasOneOutcome(
      ConnectionSettings connection, FrameStream frames, EventLog log) {
    List<String> published =
        TopicRecords.readAtLeast(
                connection,
                connection.topics().frames(),
                serdes.keys().deserializer(),
                serdes.frames().deserializer(),
                frames.sent())
            .stream()
            .map(record -> record.value().getFrameId())
            .toList();
    assertEquals(frames.sent(), published.size(), "each frame sent is on the topic once");

    assertEquals(
        List.of(),
        log.deadLetters().stream().filter(OF_A_FRAME.negate()).toList(),
        "dead letters of anything but an unusable frame");
    Map<String, Long> outcomes =
        Stream.concat(
                log.all().stream().map(EmotionEvent::getFrameId),
                log.deadLetters().stream().map(this::frameIdOf))
            .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    assertEquals(
        Set.copyOf(published), outcomes.keySet(), "every frame has an outcome, and only frames do");
    assertEquals(
        Map.of(),
        outcomes.entrySet().stream()
            .filter(e -> e.getValue() != 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
        "frames with more than one outcome");
    assertEquals(
        frames.unusable(), log.deadLetters().size(), "the unusable frames are the dead letters");
  }

  private String frameIdOf(DeadLetter letter) {
    byte[] payload = new byte[letter.getPayload().remaining()];
    letter.getPayload().duplicate().get(payload);
    return serdes
        .frames()
        .deserializer()
        .deserialize(letter.getSourceTopic(), payload)
        .getFrameId();
  }

  private static void produceTrainingFaces(ConnectionSettings connection, Path dir) {
    Path csv = dir.resolve("faces.csv");
    CommandRun synthesized =
        CommandRun.of(
            "dataset", "synthesize", "--out", csv.toString(), "--per-class", "30", "--seed", "1");
    assertEquals(0, synthesized.exitCode(), synthesized.err());
    CommandRun produced =
        CommandRun.against(connection, "produce", "training", "--csv", csv.toString());
    assertEquals(0, produced.exitCode(), produced.err());
  }

  /** Sends a RETRAIN as {@code emotion retrain} does and returns its run's id. */
  private static String retrain(ConnectionSettings connection, int epochs) {
    CommandRun sent =
        CommandRun.against(
            connection,
            "retrain",
            "--epochs",
            String.valueOf(epochs),
            "--batch-size",
            "8",
            "--lr",
            "0.001",
            "--seed",
            "7");
    assertEquals(0, sent.exitCode(), sent.err());
    Matcher run = Pattern.compile("sent; run (\\S+)").matcher(sent.out());
    assertTrue(run.find(), sent.out());
    return run.group(1);
  }

  private TopicWatch<TrainingStatus> statusesOf(ConnectionSettings connection) {
    return new TopicWatch<>(
        connection,
        connection.topics().trainerStatus(),
        serdes.keys().deserializer(),
        serdes.trainingStatuses().deserializer());
  }

  /**
   * Each epoch's status once, then one COMPLETED, and checkpoint versions 1 to the last, each once.
   */
  private void assertEveryEpochAndVersionOnce(
      ConnectionSettings connection,
      TopicWatch<TrainingStatus> statuses,
      String runId,
      int totalEpochs) {
    List<Integer> epochs =
        statuses.values().stream()
            .filter(s -> ofRun(s, runId) && s.getState() == RunState.EPOCH_COMPLETED)
            .map(TrainingStatus::getEpoch)
            .toList();
    assertEquals(IntStream.rangeClosed(1, totalEpochs).boxed().toList(), epochs);
    assertEquals(
        RunState.COMPLETED, states(statuses, runId).get(states(statuses, runId).size() - 1));
    assertEquals(
        1, states(statuses, runId).stream().filter(state -> state == RunState.COMPLETED).count());
    try (TopicWatch<ModelCheckpoint> checkpoints =
        new TopicWatch<>(
            connection,
            connection.topics().checkpoints(),
            serdes.keys().deserializer(),
            serdes.checkpoints().deserializer())) {
      List<ModelCheckpoint> published = checkpoints.values();
      assertEquals(
          IntStream.rangeClosed(1, totalEpochs).mapToObj(Long::valueOf).toList(),
          published.stream().map(ModelCheckpoint::getVersion).toList());
      assertEquals(epochs, published.stream().map(ModelCheckpoint::getEpoch).toList());
    }
  }

  private static boolean ofRun(TrainingStatus status, String runId) {
    return status.getRunId().equals(runId);
  }

  private static List<RunState> states(TopicWatch<TrainingStatus> statuses, String runId) {
    return statuses.values().stream()
        .filter(s -> ofRun(s, runId))
        .map(TrainingStatus::getState)
        .toList();
  }

  private static int lastEpoch(TopicWatch<TrainingStatus> statuses, String runId) {
    return statuses.values().stream()
        .filter(s -> ofRun(s, runId))
        .mapToInt(TrainingStatus::getEpoch)
        .max()
        .orElse(0);
  }

  /**
   * Synthetic faces, half of them labelled and every tenth unusable (its pixels do not match its
   * size), sent round the sources at a steady rate.
   */
  private final class FrameStream {
    private final SyntheticFrames faces = new SyntheticFrames(5, 0.5);
    private final RatePacer pacer = RatePacer.perSecond(200);
    private final AtomicBoolean stopped = new AtomicBoolean();
    private int sent;
    private int unusable;

    void send(FrameProducer producer, int count) {
      for (int i = 0; i < count; i++) {
        FrameInput input = faces.next();
        if (sent % 10 == 9) {
          input =
              new FrameInput.Image(
                  "unusable-" + sent, FaceSet.SIDE, FaceSet.SIDE, new byte[99], null);
          unusable++;
        }
        ProduceSummary summary =
            producer.send(
                List.of(input).iterator(), SOURCES.get(sent % SOURCES.size()), pacer, 1, n -> {});
        assertEquals(1, summary.sent(), summary.firstFailure());
        sent++;
      }
    }

    /** Sends frames on another thread until {@link #stop}, at most 20,000. */
    CompletableFuture<Void> streamUntilStopped(FrameProducer producer) {
      return CompletableFuture.runAsync(
          () -> {
            while (!stopped.get() && sent < 20_000) {
              send(producer, 1);
            }
          });
    }

    void stop() {
      stopped.set(true);
    }

    int sent() {
      return sent;
    }

    int unusable() {
      return unusable;
    }
  }
}
