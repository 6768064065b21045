package io.emotionstream.classifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.producer.FrameProducer;
import io.emotionstream.producer.RatePacer;
import io.emotionstream.producer.SyntheticFrames;
import io.emotionstream.testing.ChildProcess;
import io.emotionstream.testing.EventLog;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The classifier against a real broker and registry, serving the real network through DJL. */
@IntegrationTest
class ClassifierClusterTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void everyFrameGivesExactlyOneEventAcrossACrashAndAJoiningInstance(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 3);
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    String applicationId = "classifier-" + UUID.randomUUID();
    int frames = 600;
    List<String> sources = List.of("cam-1", "cam-2", "cam-3");

    try (EventLog events = new EventLog(connection, kafka.serdes())) {
      ChildProcess crashing =
          classifierProcess(connection, applicationId, dir.resolve("a"), dir.resolve("a.log"));
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(() -> produceFrames(connection, sources, frames));

      events.awaitCount(frames / 6);
      crashing.kill(); // mid-stream, mid-batch, mid-transaction: no shutdown hook runs
      try (ChildProcess restarted =
          classifierProcess(connection, applicationId, dir.resolve("a"), dir.resolve("a2.log"))) {
        events.awaitCount(frames / 2);
        try (ClassifierService joining =
            ClassifierService.start(
                connection,
                ClassifierSettings.defaults()
                    .withApplicationId(applicationId)
                    .withStateDirectory(dir.resolve("b")),
                new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS))) {
          producing.get();
          events.awaitCount(frames);
          events.drainFor(Duration.ofSeconds(2));
        }
      }

      assertEachFrameClassifiedOnce(events.all(), frames);
    }
  }

  /**
   * Frames taken and committed past, but not classified (no model yet), when the instance dies:
   * only their offsets were stored, and the next owner reads them again from the frames partition.
   */
  @Test
  void framesTakenButNotClassifiedWhenAnInstanceDiesAreReadAgainAndClassifiedOnce(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 1);
    String applicationId = "classifier-" + UUID.randomUUID();
    int frames = 30;
    TopicPartition frameTopic = new TopicPartition(connection.topics().frames(), 0);
    try (EventLog events = new EventLog(connection, kafka.serdes());
        Admin admin = Admin.create(connection.clientConfig())) {
      ChildProcess dying =
          classifierProcess(connection, applicationId, dir.resolve("a"), dir.resolve("a.log"));
      produceFrames(connection, List.of("cam"), frames);
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                assertTrue(dying.isAlive(), Files.readString(dir.resolve("a.log")));
                OffsetAndMetadata committed =
                    admin
                        .listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(frameTopic);
                return committed != null && committed.offset() == frames;
              });
      dying.kill();

      TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
      try (ClassifierService next =
          ClassifierService.start(
              connection,
              ClassifierSettings.defaults()
                  .withApplicationId(applicationId)
                  .withStateDirectory(dir.resolve("b")),
              new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS))) {
        events.awaitCount(frames);
        events.drainFor(Duration.ofSeconds(2));
      }
      assertEachFrameClassifiedOnce(events.all(), frames);
    }
  }

  @Test
  void atLeastOnceRepeatsAfterACrashCarryTheFrameIdAndPredictionOfTheFirstEvent(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 3);
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    String applicationId = "classifier-" + UUID.randomUUID();
    int frames = 600;
    List<String> sources = List.of("cam-1", "cam-2", "cam-3");
    // No commit falls before the kill, so every event read before it must come again: the repeats
    // are
    // certain, not a matter of where the kill lands between two commits.
    String[] atLeastOnce = {
      "--processing-guarantee", "at-least-once", "--commit-interval-ms", "600000"
    };

    try (EventLog events = new EventLog(connection, kafka.serdes())) {
      Path state = dir.resolve("state");
      CompletableFuture<Void> producing;
      try (ChildProcess crashing =
          classifierProcess(connection, applicationId, state, dir.resolve("a.log"), atLeastOnce)) {
        producing = CompletableFuture.runAsync(() -> produceFrames(connection, sources, frames));
        events.awaitCount(frames / 6);
        crashing.kill(); // mid-stream, no commit yet: no shutdown hook runs
      }
      events.drainFor(Duration.ofSeconds(1)); // what the killed instance had sent before it died
      Set<String> beforeTheCrash =
          events.all().stream().map(EmotionEvent::getFrameId).collect(Collectors.toSet());

      try (ChildProcess restarted =
          classifierProcess(connection, applicationId, state, dir.resolve("a2.log"), atLeastOnce)) {
        producing.get();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () -> {
                  events.drainFor(Duration.ofMillis(200));
                  return events.all().stream().map(EmotionEvent::getFrameId).distinct().count()
                      == frames;
                });
      }

      Map<String, List<EmotionEvent>> perFrame =
          events.all().stream().collect(Collectors.groupingBy(EmotionEvent::getFrameId));
      assertEquals(frames, perFrame.size(), "every frame classified");
      assertTrue(
          beforeTheCrash.stream().allMatch(id -> perFrame.get(id).size() >= 2),
          "the events before the crash were not committed, so each comes again");
      for (List<EmotionEvent> repeats : perFrame.values()) {
        EmotionEvent first = repeats.get(0);
        for (EmotionEvent repeat : repeats) {
          assertEquals(
              first.getSourceId(), repeat.getSourceId(), "the same source id, which is the key");
          assertEquals(first.getEmotion(), repeat.getEmotion(), "the same prediction");
          assertEquals(first.getModelVersion(), repeat.getModelVersion());
          assertEquals(first.getCaptureTimeMs(), repeat.getCaptureTimeMs());
          assertEquals(first.getLabel(), repeat.getLabel());
          for (int i = 0; i < first.getProbabilities().size(); i++) {
            // In a batch of another size libtorch may sum in another order: the last bit can
            // differ.
            assertEquals(first.getProbabilities().get(i), repeat.getProbabilities().get(i), 1e-6);
          }
        }
      }
    }
  }

  @Test
  void twoInstancesOnOneHostEachTakeAStateDirectoryOfTheirOwnAndShareTheFrames(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 2);
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    String applicationId = "classifier-" + UUID.randomUUID();
    Path root = dir.resolve("state");
    List<String> sources = IntStream.range(0, 8).mapToObj(i -> "cam-" + i).toList();
    assertEquals(
        Set.of(0, 1),
        sources.stream().map(ClassifierClusterTest::partitionOf).collect(Collectors.toSet()),
        "the sources' frames fill both partitions");

    try (ChildProcess first =
            classifierProcess(connection, applicationId, root, dir.resolve("first.log"));
        ChildProcess second =
            classifierProcess(connection, applicationId, root, dir.resolve("second.log"));
        Admin admin = Admin.create(connection.clientConfig())) {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                assertTrue(
                    first.isAlive() && second.isAlive(), "both instances running: " + logs(dir));
                return eachOfTwoMembersHoldsAFramesPartition(
                    admin, applicationId, connection.topics().frames());
              });
      int perSource = 5;
      try (FrameProducer producer = new FrameProducer(connection, kafka.serdes())) {
        for (String source : sources) {
          producer.send(
              new SyntheticFrames(7, 0.5), source, RatePacer.unlimited(), perSource, n -> {});
        }
      }

      List<EmotionEvent> events =
          TopicRecords.readAtLeast(
                  connection,
                  connection.topics().events(),
                  kafka.serdes().keys().deserializer(),
                  kafka.serdes().events().deserializer(),
                  sources.size() * perSource)
              .stream()
              .map(ConsumerRecord::value)
              .toList();
      assertEquals(
          sources.size() * perSource,
          events.stream().map(EmotionEvent::getFrameId).distinct().count());
      assertTrue(first.isAlive() && second.isAlive(), logs(dir));
      String logs = logs(dir);
      assertTrue(
          logs.contains("state in " + root.resolve(applicationId).resolve("instance-0")), logs);
      assertTrue(
          logs.contains("state in " + root.resolve(applicationId).resolve("instance-1")), logs);
    }
  }

  @Test
  void aNewCheckpointChangesTheVersionOfLaterEventsAndACorruptOneIsRefusedWhileFramesFlow(
      @TempDir Path dir) throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 1);
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    try (EventLog events = new EventLog(connection, kafka.serdes());
        ClassifierService classifier =
            ClassifierService.start(
                connection,
                ClassifierSettings.defaults()
                    .withApplicationId("classifier-" + UUID.randomUUID())
                    .withPromotion(PromotionSettings.of(PromotionPolicy.LATEST))
                    .withStateDirectory(dir),
                new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
        FrameProducer producer = new FrameProducer(connection, kafka.serdes())) {
      SyntheticFrames faces = new SyntheticFrames(3, 0.5);
      producer.send(faces, "cam", RatePacer.unlimited(), 40, n -> {});
      events.awaitCount(40);
      assertTrue(events.all().stream().allMatch(e -> e.getModelVersion() == 1));

      TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(2, 12));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                producer.send(faces, "cam", RatePacer.unlimited(), 5, n -> {});
                events.drainFor(Duration.ofMillis(200));
                return events.all().stream().anyMatch(e -> e.getModelVersion() == 2);
              });
      List<Long> versions = events.all().stream().map(EmotionEvent::getModelVersion).toList();
      int firstTwo = versions.indexOf(2L);
      assertTrue(
          versions.subList(firstTwo, versions.size()).stream().allMatch(v -> v == 2),
          "once version 2 serves, no later event comes from version 1: " + versions);

      ModelCheckpoint corrupt = TestCheckpoints.deepEmotion(3, 13);
      corrupt.getWeights().put(100, (byte) (corrupt.getWeights().get(100) ^ 0xff));
      TestCheckpoints.publish(connection, kafka.serdes(), corrupt);
      int before = events.all().size();
      producer.send(faces, "cam", RatePacer.unlimited(), 40, n -> {});
      events.awaitCount(before + 40);
      assertTrue(
          events.all().subList(before, before + 40).stream()
              .allMatch(e -> e.getModelVersion() == 2),
          "the refused checkpoint never serves");
      DeadLetter refusal =
          events.awaitDeadLetter(letter -> ServingModels.STAGE.equals(letter.getStage()));
      assertTrue(refusal.getReason().contains("SHA-256"), refusal.getReason());
    }
  }

  private static void assertEachFrameClassifiedOnce(List<EmotionEvent> events, int frames) {
    Map<String, Long> perFrame =
        events.stream()
            .collect(Collectors.groupingBy(EmotionEvent::getFrameId, Collectors.counting()));
    assertEquals(frames, perFrame.size(), "every frame classified");
    assertTrue(
        perFrame.values().stream().allMatch(count -> count == 1), "no frame classified twice");
  }

  private static ChildProcess classifierProcess(
      ConnectionSettings connection,
      String applicationId,
      Path stateRoot,
      Path log,
      String... options)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "classifier",
                "--bootstrap-servers",
                connection.bootstrapServers(),
                "--registry-url",
                connection.registryUrl(),
                "--topic-prefix",
                connection.topics().prefix(),
                "--application-id",
                applicationId,
                "--state-dir",
                stateRoot.toString()));
    args.addAll(List.of(options));
    return ChildProcess.emotion(log, args.toArray(String[]::new));
  }

  private static boolean eachOfTwoMembersHoldsAFramesPartition(
      Admin admin, String group, String framesTopic) throws Exception {
    ConsumerGroupDescription description;
    try {
      description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return false; // no instance has joined yet
      }
      throw e;
    }
    return description.groupState() == GroupState.STABLE
        && description.members().size() == 2
        && description.members().stream()
            .allMatch(
                member ->
                    member.assignment().topicPartitions().stream()
                        .anyMatch(partition -> partition.topic().equals(framesTopic)));
  }

  private static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
  }

  private static String logs(Path dir) throws Exception {
    return Files.readString(dir.resolve("first.log")) + Files.readString(dir.resolve("second.log"));
  }

  private static void produceFrames(
      ConnectionSettings connection, List<String> sources, int total) {
    try (FrameProducer producer = new FrameProducer(connection, kafka.serdes())) {
      SyntheticFrames faces = new SyntheticFrames(5, 0.5);
      for (int sent = 0; sent < total; sent += sources.size()) {
        for (String source : sources) {
          producer.send(faces, source, RatePacer.unlimited(), 1, n -> {});
        }
        Thread.sleep(10); // a steady stream over several seconds, so crash and join fall mid-stream
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
