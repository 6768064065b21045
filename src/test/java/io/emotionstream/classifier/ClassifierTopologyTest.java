package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingExample;
import io.emotionstream.avro.Usage;
import io.emotionstream.control.Commands;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.Topics;
import io.emotionstream.testing.InMemorySerdes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The topology alone, in TopologyTestDriver, with an in-memory registry for the Avro values. */
class ClassifierTopologyTest {
  private static final TopicSerdes serdes = InMemorySerdes.fresh();
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private static final String APPLICATION_ID = "topology-test";

  /** Batching, swaps and windows are checked with each new checkpoint served at once. */
  private static final ClassifierSettings LATEST =
      ClassifierSettings.defaults().withPromotion(PromotionSettings.of(PromotionPolicy.LATEST));

  /**
   * The accuracy windows' advance in these tests: reports come at most once per window each time it
   * passes.
   */
  private static final Duration ADVANCE = Duration.ofSeconds(10);

  private final Topics topics = Topics.standard();
  private TopologyTestDriver driver;
  private ServingModels models;
  private ClassifierMetrics metrics;
  private TestInputTopic<String, byte[]> frames;
  private TestInputTopic<String, ModelCheckpoint> checkpoints;
  private TestInputTopic<String, ServingState> servingStates;
  private TestOutputTopic<String, ServingState> servingOutput;
  private TestOutputTopic<String, TrainingExample> training;
  private TestOutputTopic<String, EmotionEvent> events;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private TestOutputTopic<String, AccuracyReport> accuracy;
  private long frameCounter;

  @BeforeEach
  void buildTopology() {
    start(
        LATEST
            .withBatching(3, Duration.ofMillis(50))
            .withAccuracyWindows(Duration.ofSeconds(60), ADVANCE, Duration.ofSeconds(0)));
  }

  private void start(ClassifierSettings settings) {
    start(
        settings,
        new ServingModels(
            new RuleModels(),
            serdes.checkpoints().deserializer(),
            serdes.servingStates().deserializer()));
  }

  private static ServingModels servingModels(java.util.concurrent.Executor inference) {
    return new ServingModels(
        new RuleModels(),
        serdes.checkpoints().deserializer(),
        serdes.servingStates().deserializer(),
        inference);
  }

  private void start(ClassifierSettings settings, ServingModels servingModels) {
    models = servingModels;
    metrics = new ClassifierMetrics();
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            ClassifierTopology.build(settings, topics, serdes, models, metrics), config, T0);
    frames =
        driver.createInputTopic(topics.frames(), new StringSerializer(), new ByteArraySerializer());
    checkpoints =
        driver.createInputTopic(
            topics.checkpoints(), new StringSerializer(), serdes.checkpoints().serializer());
    servingStates =
        driver.createInputTopic(
            topics.serving(), new StringSerializer(), serdes.servingStates().serializer());
    events =
        driver.createOutputTopic(
            topics.events(), new StringDeserializer(), serdes.events().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters(), new StringDeserializer(), serdes.deadLetters().deserializer());
    accuracy =
        driver.createOutputTopic(
            topics.accuracy(), new StringDeserializer(), serdes.accuracyReports().deserializer());
  }

  /**
   * Restarts the topology with batches of 3 whose inference runs only when the test runs what it
   * holds.
   */
  private List<Runnable> startWithHeldInference() {
    List<Runnable> held = new java.util.ArrayList<>();
    close();
    start(LATEST.withBatching(3, Duration.ofMillis(50)), servingModels(held::add));
    return held;
  }

  @AfterEach
  void close() {
    driver.close();
    models.close();
  }

  @Test
  void classifiesAFullBatchAtOnceAndAPartialOneAfterTheMaximumDelay() {
    publishModel(1, 0);
    sendFrame("cam-a", 1, null, T0);
    sendFrame("cam-a", 2, null, T0);
    assertTrue(events.isEmpty(), "a batch of 3 waits for its third frame");

    sendFrame("cam-a", 3, null, T0);
    List<TestRecord<String, EmotionEvent>> firstBatch = events.readRecordsToList();
    assertEquals(3, firstBatch.size());
    assertEquals(
        List.of(Emotion.DISGUST, Emotion.FEAR, Emotion.HAPPY),
        firstBatch.stream().map(r -> r.value().getEmotion()).toList());
    assertEquals("cam-a", firstBatch.get(0).key());
    assertEquals(0.76f, firstBatch.get(0).value().getConfidence(), 1e-6);
    assertEquals(7, firstBatch.get(0).value().getProbabilities().size());

    sendFrame("cam-b", 4, null, T0);
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertTrue(events.isEmpty(), "a lone frame waits up to the maximum delay");
    driver.advanceWallClockTime(Duration.ofMillis(40));
    EmotionEvent last = events.readValue();
    assertEquals(Emotion.SAD, last.getEmotion());
    assertEquals("cam-b", last.getSourceId());
    assertTrue(events.isEmpty());
  }

  @Test
  void aBatchBeingClassifiedKeepsItsOffsetsStoredWithTheNextFramesUntilItsEventsGoOutInOrder() {
    List<Runnable> held = startWithHeldInference();
    var stored = driver.<String, byte[]>getKeyValueStore(ClassifierTopology.UNCLASSIFIED_STORE);
    publishModel(1, 0);
    sendFrame("cam", 1, null, T0);
    sendFrame("cam", 2, null, T0);
    sendFrame("cam", 3, null, T0); // the batch closes and goes to inference

    sendFrame("cam", 4, null, T0); // taken while the first batch is classified
    driver.advanceWallClockTime(Duration.ofMillis(2));
    assertTrue(events.isEmpty(), "no event before its batch is classified");
    assertEquals(
        List.of(0L, 4L), unclassifiedRange(stored), "the batch in flight and the new frame");
    assertEquals(1, held.size());

    held.remove(0).run();
    driver.advanceWallClockTime(Duration.ofMillis(2));
    assertEquals(
        List.of(Emotion.DISGUST, Emotion.FEAR, Emotion.HAPPY),
        events.readValuesToList().stream().map(EmotionEvent::getEmotion).toList());
    assertEquals(
        List.of(3L, 4L), unclassifiedRange(stored), "only the frame not yet classified is left");

    driver.advanceWallClockTime(Duration.ofMillis(50)); // the lone frame's batch closes
    held.remove(0).run();
    driver.advanceWallClockTime(Duration.ofMillis(2));
    assertEquals(Emotion.SAD, events.readValue().getEmotion());
    assertNull(stored.get("unclassified"), "every frame taken is classified");
    assertTrue(held.isEmpty());
  }

  @Test
  void
      aFrameGoesToInferenceAtOnceWhenNoneIsInInferenceAndTheFramesComingMeanwhileFormTheNextBatch() {
    List<Runnable> held = new java.util.ArrayList<>();
    close();
    start(LATEST, servingModels(held::add));
    publishModel(1, 0);

    sendFrame("cam", 1, null, T0);
    assertEquals(
        1, held.size(), "a lone frame is not held back to fill a batch, with no clock advance");
    sendFrame("cam", 2, null, T0);
    sendFrame("cam", 3, null, T0);
    sendFrame("cam", 4, null, T0);
    assertEquals(1, held.size(), "one batch in inference at a time");

    held.remove(0).run();
    driver.advanceWallClockTime(Duration.ofMillis(1));
    assertEquals(
        List.of(Emotion.DISGUST),
        events.readValuesToList().stream().map(EmotionEvent::getEmotion).toList());
    assertEquals(
        1, held.size(), "the frames taken meanwhile went to inference as soon as it ended");
    held.remove(0).run();
    driver.advanceWallClockTime(Duration.ofMillis(1));
    assertEquals(
        List.of(Emotion.FEAR, Emotion.HAPPY, Emotion.SAD),
        events.readValuesToList().stream().map(EmotionEvent::getEmotion).toList());
    assertEquals(2, metrics.batches(), "frames 2 to 4 in one batch");
  }

  @Test
  void theChangelogOfWaitingFramesCarriesTheirOffsetsNotTheFrames() {
    TestOutputTopic<String, byte[]> changelog =
        driver.createOutputTopic(
            "topology-test-" + ClassifierTopology.UNCLASSIFIED_STORE + "-changelog",
            new StringDeserializer(),
            new ByteArrayDeserializer());
    int waitingFrames = 50;
    for (int i = 0; i < waitingFrames; i++) {
      sendFrame("cam", i, null, T0); // no model yet: every frame waits across many commits
    }
    List<byte[]> written = changelog.readValuesToList();
    assertTrue(written.size() <= waitingFrames, "at most one record per commit: " + written.size());
    assertTrue(written.stream().allMatch(value -> value.length == 16), "two offsets each");
    assertEquals(
        List.of(0L, (long) waitingFrames),
        unclassifiedRange(driver.getKeyValueStore(ClassifierTopology.UNCLASSIFIED_STORE)));

    publishModel(1, 0);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertEquals(waitingFrames, events.readValuesToList().size());
    List<byte[]> afterwards = changelog.readValuesToList();
    assertNull(afterwards.get(afterwards.size() - 1), "cleared once every frame is classified");
  }

  private static List<Long> unclassifiedRange(
      org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store) {
    ByteBuffer range = ByteBuffer.wrap(store.get("unclassified"));
    return List.of(range.getLong(), range.getLong());
  }

  /**
   * Run on a thread of its own with a timeout: were the stream thread to wait for the batch in
   * inference, which only this test can finish, it would wait forever.
   */
  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aBatchDueWhileAnotherIsClassifiedFollowsItWithoutHoldingTheStreamThread() {
    List<Runnable> held = startWithHeldInference();
    publishModel(1, 0);
    sendFrame("cam", 1, null, T0);
    sendFrame("cam", 2, null, T0);
    sendFrame("cam", 3, null, T0); // the first batch goes to inference
    sendFrame("cam", 4, null, T0);

    driver.advanceWallClockTime(
        Duration.ofMillis(60)); // the lone frame is due while the first batch is classified
    sendFrame("cam", 5, null, T0); // still taken: the stream thread is not held
    assertEquals(1, held.size(), "one batch in inference at a time");
    assertTrue(events.isEmpty());

    held.remove(0).run();
    driver.advanceWallClockTime(Duration.ofMillis(2));
    assertEquals(
        List.of(Emotion.DISGUST, Emotion.FEAR, Emotion.HAPPY),
        events.readValuesToList().stream().map(EmotionEvent::getEmotion).toList());
    assertEquals(
        1, held.size(), "the due batch went to inference as soon as the first one ended, at once");

    held.remove(0).run();
    driver.advanceWallClockTime(Duration.ofMillis(2));
    assertEquals(
        List.of(Emotion.SAD, Emotion.SURPRISE),
        events.readValuesToList().stream().map(EmotionEvent::getEmotion).toList(),
        "frames 4 and 5 in one batch");
    assertTrue(held.isEmpty());
  }

  @Test
  void framesWaitForTheFirstModelAndNoneIsDropped() {
    for (int i = 0; i < 5; i++) {
      sendFrame("cam", i, null, T0);
    }
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertTrue(events.isEmpty());

    publishModel(1, 0);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    List<EmotionEvent> classified = events.readValuesToList();
    assertEquals(5, classified.size());
    assertTrue(classified.stream().allMatch(e -> e.getModelVersion() == 1));
  }

  @Test
  void framesThatWaitedForTheFirstModelAreCountedApartFromTheLatencyPercentiles() {
    for (int i = 0; i < 5; i++) {
      sendFrame("cam", i, null, T0);
    }
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    publishModel(1, 0);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertEquals(5, events.readValuesToList().size());

    assertEquals(5, metrics.framesThatWaitedForAModel());
    assertEquals(
        -1,
        metrics.latencyPercentile(99),
        "their wait for a model is not the classifier's latency");

    for (int i = 0; i < 3; i++) {
      sendFrame("cam", i, null, T0);
    }
    assertEquals(3, events.readValuesToList().size());
    assertEquals(5, metrics.framesThatWaitedForAModel());
    assertTrue(metrics.latencyPercentile(50) > 0, "frames a model was already there for count");
    assertEquals(8, metrics.frames());
  }

  @Test
  void aNewCheckpointIsUsedFromTheNextBatchOn() {
    publishModel(1, 0);
    sendFrame("cam", 0, null, T0);
    sendFrame("cam", 0, null, T0);
    serve(
        RuleModels.checkpoint(
            2,
            3)); // decided while a batch is filling: that batch is classified with version 2 whole
    sendFrame("cam", 0, null, T0);
    sendFrame("cam", 0, null, T0);
    driver.advanceWallClockTime(Duration.ofMillis(60));

    List<EmotionEvent> classified = events.readValuesToList();
    assertEquals(
        List.of(2L, 2L, 2L, 2L), classified.stream().map(EmotionEvent::getModelVersion).toList());
    assertEquals(Emotion.HAPPY, classified.get(0).getEmotion());

    publishModel(3, 1);
    sendFrame("cam", 0, null, T0);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    EmotionEvent afterSwap = events.readValue();
    assertEquals(3L, afterSwap.getModelVersion());
    assertEquals(Emotion.DISGUST, afterSwap.getEmotion());
  }

  @Test
  void aCorruptCheckpointIsRefusedAndTheCurrentModelStays() {
    publishModel(1, 0);
    sendFrame("cam", 1, null, T0);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertEquals(1L, events.readValue().getModelVersion());

    ModelCheckpoint tampered = RuleModels.checkpoint(2, 5);
    tampered.setSha256("00" + tampered.getSha256().substring(2));
    checkpoints.pipeInput(tampered.getModelName(), tampered);
    sendFrame("cam", 1, null, T0);
    driver.advanceWallClockTime(PromotionJudge.REVIEW_INTERVAL);

    assertEquals(1L, events.readValue().getModelVersion());
    DeadLetter refusal = deadLetters.readValue();
    assertEquals(ServingModels.STAGE, refusal.getStage());
    assertTrue(refusal.getReason().contains("SHA-256"), refusal.getReason());

    sendFrame("cam", 1, null, T0);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertEquals(1L, events.readValue().getModelVersion());
    assertTrue(deadLetters.isEmpty(), "a refused checkpoint is reported once");
  }

  @Test
  void unusableFramesBecomeDeadLettersWithTheirReasonAndOffset() {
    publishModel(1, 0);
    frames.pipeInput("cam", new byte[] {0x7b, 0x22}); // offset 0: JSON, not Confluent Avro
    frames.pipeInput("cam", serialize(frame("bad-size", 10, 10, new byte[99], null))); // offset 1
    frames.pipeInput("cam", serialize(frame("empty", 48, 48, new byte[0], null))); // offset 2
    sendFrame("cam", 2, null, T0); // offset 3, fine
    driver.advanceWallClockTime(Duration.ofMillis(60));

    Map<Long, DeadLetter> letters =
        deadLetters.readValuesToList().stream()
            .collect(Collectors.toMap(DeadLetter::getSourceOffset, l -> l));
    assertEquals(3, letters.size());
    assertTrue(letters.get(0L).getReason().contains("magic byte"), letters.get(0L).getReason());
    assertTrue(
        letters.get(1L).getReason().contains("10x10 = 100 pixels but carries 99"),
        letters.get(1L).getReason());
    assertTrue(letters.get(2L).getReason().contains("no pixels"), letters.get(2L).getReason());
    assertEquals(topics.frames(), letters.get(0L).getSourceTopic());
    assertEquals(FrameBatcher.STAGE, letters.get(0L).getStage());
    assertEquals(1, events.readValuesToList().size());
  }

  @Test
  void framesOfAnySizeAreClassifiedAt48x48() {
    publishModel(1, 0);
    byte[] large = new byte[96 * 96];
    Arrays.fill(large, (byte) 4);
    frames.pipeInput("cam", serialize(frame("big", 96, 96, large, null)), T0);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertEquals(Emotion.SAD, events.readValue().getEmotion());
  }

  @Test
  void reportsRollingAccuracyPerModelVersionInHoppingWindows() {
    publishModel(1, 0);
    // Version 1 predicts first pixel mod 7. At T0+5s: two right, one wrong (HAPPY predicted as
    // SAD).
    sendFrame("cam", Emotion.HAPPY.ordinal(), Emotion.HAPPY, T0.plusSeconds(5));
    sendFrame("cam", Emotion.FEAR.ordinal(), Emotion.FEAR, T0.plusSeconds(5));
    sendFrame("cam", Emotion.SAD.ordinal(), Emotion.HAPPY, T0.plusSeconds(5));
    // At T0+25s: one right (unlabelled frames are not scored).
    sendFrame("cam", Emotion.NEUTRAL.ordinal(), Emotion.NEUTRAL, T0.plusSeconds(25));
    sendFrame("cam", 1, null, T0.plusSeconds(25));
    driver.advanceWallClockTime(Duration.ofMillis(60));
    driver.advanceWallClockTime(ADVANCE);

    Map<Long, AccuracyReport> byWindow =
        accuracy.readRecordsToList().stream()
            .peek(r -> assertEquals("1", r.key()))
            .collect(
                Collectors.toMap(
                    r -> r.value().getWindowStartMs().toEpochMilli(), TestRecord::value));
    long t0 = T0.toEpochMilli();
    // Windows of 60 s every 10 s: those starting at t0-30s … t0 hold all four; t0+10s and t0+20s
    // only the later one.
    AccuracyReport all = byWindow.get(t0);
    assertEquals(4, all.getTotal());
    assertEquals(3, all.getCorrect());
    assertEquals(0.75, all.getAccuracy(), 1e-9);
    assertEquals(0.5, all.getPerClassRecall().get(Emotion.HAPPY.ordinal()), 1e-9);
    assertNull(all.getPerClassRecall().get(Emotion.ANGRY.ordinal()));
    assertEquals(1L, all.getConfusion().get(Emotion.HAPPY.ordinal()).get(Emotion.SAD.ordinal()));
    assertEquals(t0 + 60_000, all.getWindowEndMs().toEpochMilli());
    assertFalse(all.getClosed());
    AccuracyReport later = byWindow.get(t0 + 20_000);
    assertEquals(1, later.getTotal());
    assertEquals(1.0, later.getAccuracy(), 1e-9);
    // With no grace, stream time at T0+25s has closed the windows ending at T0+10s and T0+20s
    // before the later frame.
    AccuracyReport closed = byWindow.get(t0 - 40_000);
    assertEquals(3, closed.getTotal());
    assertTrue(closed.getClosed());
    assertEquals(8, byWindow.size(), "windows from t0-50s to t0+20s, one report each");
  }

  @Test
  void manyCommitsWithinOneAdvanceGiveOneReportPerWindowAndModelVersion() {
    publishModel(1, 0);
    sendCorrectFrames(15, T0.plusSeconds(1)); // every frame is a commit in TopologyTestDriver
    publishModel(2, 0);
    sendCorrectFrames(15, T0.plusSeconds(2));
    assertTrue(accuracy.isEmpty(), "nothing is reported before the advance is over");

    driver.advanceWallClockTime(ADVANCE);
    List<TestRecord<String, AccuracyReport>> reports = accuracy.readRecordsToList();
    assertEquals(
        12, reports.size(), "the six windows holding T0+1s and T0+2s, for each of two versions");
    for (String version : List.of("1", "2")) {
      List<AccuracyReport> ofVersion =
          reports.stream().filter(r -> r.key().equals(version)).map(TestRecord::value).toList();
      assertEquals(
          6, ofVersion.stream().map(AccuracyReport::getWindowStartMs).distinct().count(), version);
      assertTrue(
          ofVersion.stream()
              .allMatch(r -> r.getTotal() == 15 && r.getCorrect() == 15 && !r.getClosed()),
          version);
    }

    driver.advanceWallClockTime(ADVANCE);
    assertTrue(accuracy.isEmpty(), "a window that did not change is not reported again");

    sendCorrectFrames(3, T0.plusSeconds(9));
    driver.advanceWallClockTime(ADVANCE);
    List<TestRecord<String, AccuracyReport>> next = accuracy.readRecordsToList();
    assertEquals(
        6, next.size(), "the windows holding T0+9s, of the version that scored it, once each");
    assertTrue(next.stream().allMatch(r -> r.key().equals("2") && r.value().getTotal() == 18));
  }

  @Test
  void aWindowClosedByStreamTimeGetsAClosedReportAtOnceAndALaterFrameForItIsNotCounted() {
    publishModel(1, 0);
    sendCorrectFrames(3, T0.plusSeconds(5));
    driver.advanceWallClockTime(ADVANCE);
    assertEquals(6, accuracy.readValuesToList().size());

    sendCorrectFrames(
        1, T0.plusSeconds(65)); // stream time passes T0+60s, the end of the last window of T0+5s
    List<AccuracyReport> closed = accuracy.readValuesToList();
    assertEquals(6, closed.size(), "every window holding T0+5s closes, before the next advance");
    assertTrue(closed.stream().allMatch(r -> r.getClosed() && r.getTotal() == 3));

    sendCorrectFrames(1, T0.plusSeconds(6)); // its windows are closed: not counted
    driver.advanceWallClockTime(ADVANCE);
    List<AccuracyReport> open = accuracy.readValuesToList();
    assertEquals(6, open.size(), "the windows holding T0+65s");
    assertTrue(open.stream().allMatch(r -> !r.getClosed() && r.getTotal() == 1));
    var slices =
        driver.<AccuracySlice, SliceCounts>getKeyValueStore(ClassifierTopology.ACCURACY_STORE);
    assertEquals(1, slices.approximateNumEntries(), "only the slice an open window holds is kept");
  }

  @Test
  void aCommitWritesTheOneSliceThatChangedToTheChangelogNotEveryWindow() {
    publishModel(1, 0);
    int frames = 30;
    sendCorrectFrames(frames, T0.plusSeconds(1)); // every frame is a commit in TopologyTestDriver

    List<String> changelogs = accuracyChangelogs();
    long written =
        changelogs.stream()
            .mapToLong(
                topic ->
                    driver
                        .createOutputTopic(
                            topic,
                            Serdes.ByteArray().deserializer(),
                            Serdes.ByteArray().deserializer())
                        .getQueueSize())
            .sum();
    // One for the slice per commit that scored frames, one for how far windows have closed; a
    // windowed
    // aggregate writes each of the six windows a frame falls in.
    assertTrue(
        written <= frames + 1,
        written + " changelog records for " + frames + " commits: " + changelogs);
    var slices =
        driver
            .createOutputTopic(
                changelogTopic(ClassifierTopology.ACCURACY_STORE),
                AccuracySlice.serde().deserializer(),
                SliceCounts.serde().deserializer())
            .readRecordsToList();
    assertTrue(
        slices.stream().allMatch(r -> r.key().equals(new AccuracySlice(1, T0.toEpochMilli()))));
    assertEquals(frames, slices.get(slices.size() - 1).value().counts().total());
  }

  @Test
  void countsChangedBeforeARestartAreReportedAfterItAndExactly() {
    publishModel(1, 0);
    sendCorrectFrames(3, T0.plusSeconds(5)); // counted, not reported yet
    restartFromChangelogs();
    publishModel(1, 0);

    driver.advanceWallClockTime(ADVANCE);
    List<AccuracyReport> afterRestart = accuracy.readValuesToList();
    assertEquals(
        6, afterRestart.size(), "the windows changed before the restart are reported after it");
    assertTrue(afterRestart.stream().allMatch(r -> r.getTotal() == 3));

    sendCorrectFrames(3, T0.plusSeconds(6));
    driver.advanceWallClockTime(ADVANCE);
    List<AccuracyReport> later = accuracy.readValuesToList();
    assertEquals(6, later.size());
    assertTrue(
        later.stream().allMatch(r -> r.getTotal() == 6),
        "frames before and after the restart, each once");
  }

  @Test
  void aWindowIsClosedOnceAcrossARestart() {
    publishModel(1, 0);
    sendCorrectFrames(1, T0.plusSeconds(5));
    sendCorrectFrames(1, T0.plusSeconds(15)); // closes the window ending at T0+10s
    assertEquals(List.of(T0.minusSeconds(50)), closedWindowStarts(accuracy.readValuesToList()));
    restartFromChangelogs();
    publishModel(1, 0);

    sendCorrectFrames(1, T0.plusSeconds(16));
    assertTrue(accuracy.isEmpty(), "the window closed before the restart is not closed again");
    sendCorrectFrames(1, T0.plusSeconds(25));
    List<AccuracyReport> closed = accuracy.readValuesToList();
    assertEquals(List.of(T0.minusSeconds(40)), closedWindowStarts(closed));
    assertEquals(3, closed.get(0).getTotal(), "the frames of T0+5s, T0+15s and T0+16s");
  }

  @Test
  void aWindowThatIsNotAWholeNumberOfAdvancesIsRefused() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClassifierSettings.defaults()
                    .withAccuracyWindows(
                        Duration.ofSeconds(60), Duration.ofSeconds(7), Duration.ofSeconds(10)));
    assertEquals(
        "accuracy window (60000 ms) must be a whole number of advances (7000 ms)",
        refused.getMessage());
  }

  private static List<Instant> closedWindowStarts(List<AccuracyReport> reports) {
    return reports.stream()
        .filter(AccuracyReport::getClosed)
        .map(AccuracyReport::getWindowStartMs)
        .toList();
  }

  /**
   * Labelled frames the model classifies right, each its own commit, then waits for the last batch.
   */
  private void sendCorrectFrames(int count, Instant time) {
    for (int i = 0; i < count; i++) {
      sendFrame("cam", Emotion.HAPPY.ordinal(), Emotion.HAPPY, time);
    }
    driver.advanceWallClockTime(Duration.ofMillis(60));
  }

  private List<String> accuracyChangelogs() {
    return driver.producedTopicNames().stream()
        .filter(topic -> topic.contains("accuracy") && topic.endsWith("-changelog"))
        .toList();
  }

  private static String changelogTopic(String store) {
    return APPLICATION_ID + "-" + store + "-changelog";
  }

  /**
   * Stops the topology and starts it again with only what its accuracy stores' changelogs hold, as
   * Kafka Streams restores them after a crash: anything the processor kept only in memory is gone.
   */
  private void restartFromChangelogs() {
    var slices =
        driver
            .createOutputTopic(
                changelogTopic(ClassifierTopology.ACCURACY_STORE),
                AccuracySlice.serde().deserializer(),
                SliceCounts.serde().deserializer())
            .readRecordsToList();
    var closed =
        driver
            .createOutputTopic(
                changelogTopic(ClassifierTopology.ACCURACY_CLOSED_STORE),
                new StringDeserializer(),
                new LongDeserializer())
            .readRecordsToList();
    close();
    buildTopology();
    var slicesStore =
        driver.<AccuracySlice, SliceCounts>getKeyValueStore(ClassifierTopology.ACCURACY_STORE);
    slices.forEach(r -> slicesStore.put(r.key(), r.value()));
    var closedStore =
        driver.<String, Long>getKeyValueStore(ClassifierTopology.ACCURACY_CLOSED_STORE);
    closed.forEach(r -> closedStore.put(r.key(), r.value()));
  }

  // ---- promotion

  /**
   * Guarded promotion over {@code minFrames} labelled frames, batches of one so each frame is its
   * own batch.
   */
  private void startGuarded(PromotionPolicy policy, int minFrames) {
    close();
    start(
        ClassifierSettings.defaults()
            .withBatching(1, Duration.ZERO)
            .withPromotion(PromotionSettings.of(policy).withMinFrames(minFrames)));
    servingOutput =
        driver.createOutputTopic(
            topics.serving(), new StringDeserializer(), serdes.servingStates().deserializer());
    training =
        driver.createOutputTopic(
            topics.training(), new StringDeserializer(), serdes.trainingExamples().deserializer());
  }

  /**
   * Labelled frames that version 1's rule (shift 0) classifies right: first pixel p is emotion p.
   */
  private void sendLabelledFrames(int count) {
    for (int i = 0; i < count; i++) {
      sendFrame("cam", i % 7, Emotion.values()[i % 7], T0);
    }
  }

  private List<ServingState> decisions() {
    return servingOutput.readValuesToList();
  }

  @Test
  void aWorseCandidateIsScoredInShadowAndKeptWhileABetterOneIsPromoted() {
    startGuarded(PromotionPolicy.GUARDED, 14);
    publishModel(1, 0);
    assertEquals(
        List.of(ServingDecision.FIRST_MODEL),
        decisions().stream().map(ServingState::getDecision).toList());

    publishModel(2, 3); // wrong on every frame
    ServingState candidacy = decisions().get(0);
    assertEquals(ServingDecision.CANDIDATE, candidacy.getDecision());
    assertEquals(2L, candidacy.getCandidateVersion());
    assertEquals(1L, candidacy.getServing().getVersion());

    sendLabelledFrames(28);
    assertEquals(
        List.of(1L),
        events.readValuesToList().stream().map(EmotionEvent::getModelVersion).distinct().toList(),
        "the candidate's events are not emitted");
    List<ServingState> kept = decisions();
    assertEquals(
        List.of(ServingDecision.KEPT, ServingDecision.KEPT),
        kept.stream().map(ServingState::getDecision).toList(),
        "a status once per min frames");
    ServingState last = kept.get(1);
    assertEquals(28, last.getComparedFrames());
    assertEquals(0.0, last.getCandidateAccuracy(), 1e-9);
    assertEquals(1.0, last.getServingAccuracy(), 1e-9);
    assertTrue(last.getReason().contains("it stays the candidate"), last.getReason());
    assertEquals(1L, last.getServing().getVersion());

    driver.advanceWallClockTime(ADVANCE);
    Map<String, Long> correctByVersion =
        accuracy.readRecordsToList().stream()
            .collect(Collectors.toMap(TestRecord::key, r -> r.value().getCorrect(), Math::max));
    assertEquals(Map.of("1", 28L, "2", 0L), correctByVersion, "both versions are reported");

    publishModel(3, 7); // the same rule as version 1: not worse
    assertEquals(3L, decisions().get(0).getCandidateVersion());
    sendLabelledFrames(13);
    assertTrue(decisions().isEmpty(), "not judged before min frames");
    sendLabelledFrames(1);
    ServingState promoted = decisions().get(0);
    assertEquals(ServingDecision.PROMOTED, promoted.getDecision());
    assertEquals(3L, promoted.getServing().getVersion());
    assertEquals(1L, promoted.getPrevious().getVersion());
    assertNull(promoted.getCandidateVersion());
    assertEquals(14, promoted.getComparedFrames());
    events.readValuesToList();

    sendLabelledFrames(1);
    assertEquals(
        3L,
        events.readValue().getModelVersion(),
        "the promoted version serves from the next batch");
  }

  @Test
  void thePromotionTaskReadsOnlyTheControlTopicAndTheComparisonsSoThatOneTaskDecides() {
    TopologyDescription description =
        ClassifierTopology.build(ClassifierSettings.defaults(), topics, serdes, models, metrics)
            .describe();
    TopologyDescription.Subtopology promotion =
        description.subtopologies().stream()
            .filter(sub -> sub.nodes().stream().anyMatch(node -> node.name().equals("promotion")))
            .findFirst()
            .orElseThrow();
    java.util.Set<String> sources =
        promotion.nodes().stream()
            .filter(node -> node instanceof TopologyDescription.Source)
            .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
            .collect(Collectors.toSet());
    assertEquals(
        java.util.Set.of(topics.control(), "comparisons-by-model-name-repartition"), sources);
  }

  @Test
  void withoutLabelledFramesTheCandidatesValidationAccuracyDecidesAfterTheWait() {
    startGuarded(PromotionPolicy.GUARDED, 14);
    checkpoints.pipeInput(
        "deep-emotion", withValidationAccuracy(RuleModels.checkpoint(1, 0), 0.70));
    driver.advanceWallClockTime(PromotionJudge.REVIEW_INTERVAL);
    checkpoints.pipeInput(
        "deep-emotion", withValidationAccuracy(RuleModels.checkpoint(2, 3), 0.60));
    driver.advanceWallClockTime(PromotionJudge.REVIEW_INTERVAL);
    decisions();
    driver.advanceWallClockTime(Duration.ofSeconds(PromotionSettings.DEFAULT_LABEL_WAIT_SECONDS));
    ServingState kept = decisions().get(0);
    assertEquals(ServingDecision.KEPT, kept.getDecision());
    assertTrue(
        kept.getReason().contains("validation accuracy 0.600 of version 2 against 0.700"),
        kept.getReason());

    checkpoints.pipeInput(
        "deep-emotion", withValidationAccuracy(RuleModels.checkpoint(3, 0), 0.69));
    driver.advanceWallClockTime(PromotionJudge.REVIEW_INTERVAL);
    assertEquals(ServingDecision.CANDIDATE, decisions().get(0).getDecision());
    driver.advanceWallClockTime(Duration.ofSeconds(PromotionSettings.DEFAULT_LABEL_WAIT_SECONDS));
    ServingState promoted = decisions().get(0);
    assertEquals(ServingDecision.PROMOTED, promoted.getDecision(), promoted.getReason());
    assertEquals(3L, promoted.getServing().getVersion());
  }

  @Test
  void promoteAndRollbackCommandsAreFollowedAndAnsweredWithTheirCommandId() {
    startGuarded(PromotionPolicy.MANUAL, 14);
    TestInputTopic<String, ControlCommand> control =
        driver.createInputTopic(
            topics.control(), new StringSerializer(), serdes.commands().serializer());
    publishModel(1, 0);
    publishModel(2, 3);
    decisions();
    sendLabelledFrames(14);
    ServingState waiting = decisions().get(0);
    assertEquals(ServingDecision.KEPT, waiting.getDecision(), "manual: figures, no promotion");
    assertTrue(waiting.getReason().contains("emotion promote"), waiting.getReason());

    ControlCommand unknown = Commands.promote(7, "try");
    control.pipeInput("deep-emotion", unknown);
    ServingState refused = decisions().get(0);
    assertEquals(ServingDecision.REFUSED, refused.getDecision());
    assertEquals(unknown.getCommandId(), refused.getCommandId());
    assertTrue(refused.getReason().contains("version 7 is not at hand"), refused.getReason());

    ControlCommand promote = Commands.promote(2, "looks fine");
    control.pipeInput("deep-emotion", promote);
    ServingState promoted = decisions().get(0);
    assertEquals(ServingDecision.PROMOTED, promoted.getDecision());
    assertEquals(promote.getCommandId(), promoted.getCommandId());
    assertEquals(2L, promoted.getServing().getVersion());
    assertTrue(promoted.getReason().contains("looks fine"), promoted.getReason());

    ControlCommand rollback = Commands.rollback("too many sad faces");
    control.pipeInput("deep-emotion", rollback);
    ServingState rolledBack = decisions().get(0);
    assertEquals(ServingDecision.ROLLED_BACK, rolledBack.getDecision());
    assertEquals(1L, rolledBack.getServing().getVersion());
    assertEquals(2L, rolledBack.getHeldBackThrough());
    assertNull(rolledBack.getPrevious());
    events.readValuesToList();
    sendLabelledFrames(1);
    assertEquals(1L, events.readValue().getModelVersion());

    driver.advanceWallClockTime(PromotionJudge.REVIEW_INTERVAL);
    assertTrue(
        decisions().isEmpty(), "the version rolled back from does not come back as a candidate");
    control.pipeInput("deep-emotion", Commands.rollback(null));
    assertEquals(
        ServingDecision.REFUSED, decisions().get(0).getDecision(), "nothing older is kept");
    control.pipeInput("other-model", Commands.promote(2, null));
    assertTrue(decisions().isEmpty(), "another model's commands are not ours");

    publishModel(3, 0);
    assertEquals(
        ServingDecision.CANDIDATE,
        decisions().get(0).getDecision(),
        "a newer checkpoint is a candidate");
  }

  @Test
  void anUnreadableCommandBecomesADeadLetterAndTheNextOneIsFollowed() {
    startGuarded(PromotionPolicy.GUARDED, 14);
    TestInputTopic<String, byte[]> control =
        driver.createInputTopic(
            topics.control(), new StringSerializer(), new ByteArraySerializer());
    publishModel(1, 0);
    decisions();
    control.pipeInput("deep-emotion", new byte[] {0x7b, 0x7d});
    DeadLetter letter = deadLetters.readValue();
    assertEquals(PromotionJudge.STAGE, letter.getStage());
    assertEquals(topics.control(), letter.getSourceTopic());
    ControlCommand rollback = Commands.rollback(null);
    control.pipeInput(
        "deep-emotion", serdes.commands().serializer().serialize(topics.control(), rollback));
    assertEquals(rollback.getCommandId(), decisions().get(0).getCommandId());
  }

  @Test
  void labelledLiveFramesBecomeTrainingExamplesOncePerFrameId() {
    close();
    start(LATEST.withBatching(1, Duration.ZERO).withLiveLearning(LiveLearning.on()));
    training =
        driver.createOutputTopic(
            topics.training(), new StringDeserializer(), serdes.trainingExamples().deserializer());
    publishModel(1, 0);
    byte[] pixels = new byte[48 * 48];
    pixels[0] = 5;
    byte[] labelled = serialize(frame("seen-twice", 48, 48, pixels, Emotion.SURPRISE));
    frames.pipeInput("cam", labelled, T0);
    frames.pipeInput("cam", labelled, T0.plusSeconds(5)); // the camera sent it again
    sendFrame("cam", 1, null, T0);

    List<TestRecord<String, TrainingExample>> examples = training.readRecordsToList();
    assertEquals(1, examples.size());
    TrainingExample example = examples.get(0).value();
    assertEquals("live:seen-twice", example.getExampleId());
    assertEquals(Emotion.SURPRISE, example.getLabel());
    assertEquals(5, example.getPixels().get(0));
    assertEquals(48 * 48, example.getPixels().remaining());
    assertEquals(
        LiveExamples.usageOf("seen-twice", LiveLearning.DEFAULT_VALIDATION_SHARE),
        example.getUsage());
    assertEquals(3, events.readValuesToList().size(), "each frame is still classified");
  }

  @Test
  void theLiveValidationShareIsHeldToByFrameId() {
    long validation =
        java.util.stream.IntStream.range(0, 10_000)
            .filter(i -> LiveExamples.usageOf("cam-" + i, 0.1) == Usage.VALIDATION)
            .count();
    assertEquals(1000, validation, 100);
  }

  private static ModelCheckpoint withValidationAccuracy(
      ModelCheckpoint checkpoint, double accuracy) {
    checkpoint.setValidationAccuracy(accuracy);
    return checkpoint;
  }

  private void publishModel(long version, int shift) {
    ModelCheckpoint checkpoint = RuleModels.checkpoint(version, shift);
    checkpoints.pipeInput(checkpoint.getModelName(), checkpoint);
    driver.advanceWallClockTime(
        PromotionJudge.REVIEW_INTERVAL); // the promotion task decides what serves
  }

  /**
   * The checkpoint and a decision to serve it, as the promotion task would write it, with no time
   * passing.
   */
  private void serve(ModelCheckpoint checkpoint) {
    checkpoints.pipeInput(checkpoint.getModelName(), checkpoint);
    servingStates.pipeInput(checkpoint.getModelName(), RuleModels.decision(checkpoint, null));
  }

  private void sendFrame(String source, int firstPixel, Emotion label, Instant time) {
    byte[] pixels = new byte[48 * 48];
    pixels[0] = (byte) firstPixel;
    FaceFrame frame = frame("f" + frameCounter++, 48, 48, pixels, label);
    frame.setSourceId(source);
    frames.pipeInput(source, serialize(frame), time);
  }

  private static FaceFrame frame(String id, int width, int height, byte[] pixels, Emotion label) {
    return FaceFrame.newBuilder()
        .setFrameId(id)
        .setSourceId("cam")
        .setWidth(width)
        .setHeight(height)
        .setPixels(ByteBuffer.wrap(pixels))
        .setCaptureTimeMs(T0)
        .setLabel(label)
        .build();
  }

  private byte[] serialize(FaceFrame frame) {
    return serdes.frames().serializer().serialize(topics.frames(), frame);
  }
}
