package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.control.CommandSender;
import io.emotionstream.control.Commands;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.testing.EventLog;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicWatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promotion across instances on a real broker and registry. The models are rule models (a frame's
 * class is its first pixel plus the checkpoint's shift), so that a better and a worse candidate are
 * known in advance; the real network's serving is {@link ClassifierClusterTest}'s subject.
 */
@IntegrationTest
class PromotionClusterTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final AtomicInteger frameIds = new AtomicInteger();

  @Test
  void aWorseCandidateIsKeptAndABetterOneIsPromotedWhileEveryFrameKeepsOneEvent(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 2);
    String applicationId = "classifier-" + UUID.randomUUID();
    ClassifierSettings settings = settings(applicationId, PromotionPolicy.GUARDED);
    TestCheckpoints.publish(connection, kafka.serdes(), RuleModels.checkpoint(1, 0));
    try (EventLog events = new EventLog(connection, kafka.serdes());
        TopicWatch<ServingState> decisions = decisions(connection);
        KafkaProducer<String, FaceFrame> frames = frameProducer(connection);
        ClassifierService first =
            ClassifierService.start(
                connection, settings.withStateDirectory(dir.resolve("a")), new RuleModels());
        ClassifierService second =
            ClassifierService.start(
                connection, settings.withStateDirectory(dir.resolve("b")), new RuleModels())) {
      decisions.await(decided(ServingDecision.FIRST_MODEL, 1), WAIT);
      int sent = send(frames, connection, 20);

      TestCheckpoints.publish(
          connection, kafka.serdes(), RuleModels.checkpoint(2, 3)); // wrong on every frame
      decisions.await(
          state ->
              state.getDecision() == ServingDecision.CANDIDATE
                  && Long.valueOf(2).equals(state.getCandidateVersion()),
          WAIT);
      ServingState kept =
          awaitWhileSending(
              frames,
              connection,
              decisions,
              state ->
                  state.getDecision() == ServingDecision.KEPT
                      && Long.valueOf(2).equals(state.getCandidateVersion()));
      assertEquals(1L, kept.getServing().getVersion());
      assertEquals(0.0, kept.getCandidateAccuracy(), 1e-9);
      assertEquals(1.0, kept.getServingAccuracy(), 1e-9);

      TestCheckpoints.publish(
          connection, kafka.serdes(), RuleModels.checkpoint(3, 7)); // as right as version 1
      ServingState promoted =
          awaitWhileSending(frames, connection, decisions, decided(ServingDecision.PROMOTED, 3));
      assertTrue(
          promoted.getComparedFrames() >= settings.promotion().minFrames(), promoted.getReason());
      awaitWhileSending(frames, connection, events, event -> event.getModelVersion() == 3);

      sent = frameIds.get();
      events.awaitCount(sent);
      events.drainFor(Duration.ofSeconds(1));
      List<EmotionEvent> all = events.all();
      Map<String, Long> perFrame =
          all.stream()
              .collect(Collectors.groupingBy(EmotionEvent::getFrameId, Collectors.counting()));
      assertEquals(sent, perFrame.size(), "every frame classified");
      assertTrue(
          perFrame.values().stream().allMatch(count -> count == 1), "no frame classified twice");
      assertTrue(
          all.stream().noneMatch(event -> event.getModelVersion() == 2),
          "the worse candidate never served");
      assertTrue(
          all.stream().allMatch(event -> event.getEmotion().ordinal() == firstPixelOf(event)),
          "every event came from a model that is right on these frames");
    }
  }

  @Test
  void promoteAndRollbackTakeEffectOnEveryInstanceAndAfterARestart(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 2);
    String applicationId = "classifier-" + UUID.randomUUID();
    ClassifierSettings settings = settings(applicationId, PromotionPolicy.MANUAL);
    TestCheckpoints.publish(connection, kafka.serdes(), RuleModels.checkpoint(1, 0));
    try (EventLog events = new EventLog(connection, kafka.serdes());
        TopicWatch<ServingState> decisions = decisions(connection);
        KafkaProducer<String, FaceFrame> frames = frameProducer(connection)) {
      try (ClassifierService first =
              ClassifierService.start(
                  connection, settings.withStateDirectory(dir.resolve("a")), new RuleModels());
          ClassifierService second =
              ClassifierService.start(
                  connection, settings.withStateDirectory(dir.resolve("b")), new RuleModels())) {
        decisions.await(decided(ServingDecision.FIRST_MODEL, 1), WAIT);
        TestCheckpoints.publish(connection, kafka.serdes(), RuleModels.checkpoint(2, 3));
        decisions.await(state -> Long.valueOf(2).equals(state.getCandidateVersion()), WAIT);

        String promote = send(connection, Commands.promote(2, "by the test"));
        assertEquals(
            ServingDecision.PROMOTED, decisions.await(answering(promote), WAIT).getDecision());
        awaitOnBothPartitions(frames, connection, events, 2);

        String rollback = send(connection, Commands.rollback("by the test"));
        assertEquals(
            ServingDecision.ROLLED_BACK, decisions.await(answering(rollback), WAIT).getDecision());
        awaitOnBothPartitions(frames, connection, events, 1);
      }
      // A new instance, on the other's state directory and on a fresh one: the rollback holds.
      try (ClassifierService restarted =
              ClassifierService.start(
                  connection, settings.withStateDirectory(dir.resolve("a")), new RuleModels());
          ClassifierService fresh =
              ClassifierService.start(
                  connection, settings.withStateDirectory(dir.resolve("c")), new RuleModels())) {
        int before = events.all().size();
        int sent = send(frames, connection, 20);
        events.awaitCount(before + sent);
        assertTrue(
            events.all().subList(before, before + sent).stream()
                .allMatch(e -> e.getModelVersion() == 1),
            "version 1 serves after the restart");
      }
      assertTrue(
          decisions.values().stream()
              .noneMatch(
                  state ->
                      state.getDecision() == ServingDecision.CANDIDATE
                          && Long.valueOf(2).equals(state.getCandidateVersion())
                          && state.getServing().getVersion() == 1
                          && state.getHeldBackThrough() >= 2),
          "the version rolled back from does not come back as a candidate");
    }
  }

  private static ClassifierSettings settings(String applicationId, PromotionPolicy policy) {
    return ClassifierSettings.defaults()
        .withApplicationId(applicationId)
        .withPromotion(PromotionSettings.of(policy).withMinFrames(60));
  }

  /**
   * @return the command's id
   */
  private String send(ConnectionSettings connection, ControlCommand command) {
    return CommandSender.sendOnce(connection, kafka.serdes(), ModelNames.DEFAULT, command)
        .getCommandId();
  }

  private static TopicWatch<ServingState> decisions(ConnectionSettings connection) {
    return new TopicWatch<>(
        connection,
        connection.topics().serving(),
        kafka.serdes().keys().deserializer(),
        kafka.serdes().servingStates().deserializer());
  }

  private static Predicate<ServingState> decided(ServingDecision decision, long servingVersion) {
    return state ->
        state.getDecision() == decision && state.getServing().getVersion() == servingVersion;
  }

  private static Predicate<ServingState> answering(String commandId) {
    return state -> commandId.equals(state.getCommandId());
  }

  /** Frames go on while the decision is awaited: the candidate is judged on labelled frames. */
  private <V> V awaitWhileSending(
      KafkaProducer<String, FaceFrame> frames,
      ConnectionSettings connection,
      TopicWatch<V> watch,
      Predicate<V> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      send(frames, connection, 10);
      try {
        return watch.await(condition, Duration.ofMillis(300));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private void awaitWhileSending(
      KafkaProducer<String, FaceFrame> frames,
      ConnectionSettings connection,
      EventLog events,
      Predicate<EmotionEvent> condition) {
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> {
              send(frames, connection, 10);
              events.drainFor(Duration.ofMillis(200));
              return events.all().stream().anyMatch(condition);
            });
  }

  /**
   * Until a frame from each of two sources, one per partition, has an event from {@code version}.
   */
  private void awaitOnBothPartitions(
      KafkaProducer<String, FaceFrame> frames,
      ConnectionSettings connection,
      EventLog events,
      long version) {
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> {
              send(frames, connection, 10);
              events.drainFor(Duration.ofMillis(200));
              return events.all().stream()
                      .filter(event -> event.getModelVersion() == version)
                      .map(EmotionEvent::getSourceId)
                      .distinct()
                      .count()
                  == 2;
            });
  }

  /** Labelled frames, half from each of two sources that fall on different partitions. */
  private int send(
      KafkaProducer<String, FaceFrame> producer, ConnectionSettings connection, int count) {
    for (int i = 0; i < count; i++) {
      int id = frameIds.getAndIncrement();
      String source = i % 2 == 0 ? "cam-a" : "cam-b";
      byte[] pixels = new byte[48 * 48];
      pixels[0] = (byte) (id % 7);
      FaceFrame frame =
          FaceFrame.newBuilder()
              .setFrameId(id + "-" + (id % 7))
              .setSourceId(source)
              .setWidth(48)
              .setHeight(48)
              .setPixels(ByteBuffer.wrap(pixels))
              .setCaptureTimeMs(Instant.now())
              .setLabel(Emotion.values()[id % 7])
              .build();
      producer.send(new ProducerRecord<>(connection.topics().frames(), source, frame));
    }
    producer.flush();
    return count;
  }

  private static int firstPixelOf(EmotionEvent event) {
    return Integer.parseInt(event.getFrameId().substring(event.getFrameId().indexOf('-') + 1));
  }

  private static KafkaProducer<String, FaceFrame> frameProducer(ConnectionSettings connection) {
    assertTrue(
        partitionOf("cam-a") != partitionOf("cam-b"),
        "the two sources must fall on both partitions");
    return new KafkaProducer<>(
        connection.clientConfig(),
        kafka.serdes().keys().serializer(),
        kafka.serdes().frames().serializer());
  }

  private static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
  }
}
