package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.Topics;
import io.emotionstream.testing.InMemorySerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Which models serve, from decision and checkpoint records encoded with an in-memory registry. */
class ServingModelsTest {
  private static final TopicSerdes serdes = InMemorySerdes.fresh();

  private final String topic = Topics.standard().checkpoints();
  private final String statesTopic = Topics.standard().serving();

  private byte[] decision(ModelCheckpoint serving, Long candidateVersion) {
    return serdes
        .servingStates()
        .serializer()
        .serialize(statesTopic, RuleModels.decision(serving, candidateVersion));
  }

  private byte[] checkpoint(ModelCheckpoint checkpoint) {
    return serdes.checkpoints().serializer().serialize(topic, checkpoint);
  }

  /** The calling thread's models, as one more task of it holds them until the service closes. */
  private Optional<ServingModels.Models> current(
      ServingModels models, byte[] state, byte[] latest, long nowMs, List<DeadLetter> letters) {
    return models.acquire().current(statesTopic, state, topic, latest, nowMs, letters::add);
  }

  private final List<String> closed = new CopyOnWriteArrayList<>();

  /** Rule models whose closing is recorded by the name of the thread that loaded them. */
  private ModelLoader recordingLoader() {
    RuleModels rules = new RuleModels();
    return checkpoint -> {
      FaceClassifier classifier = rules.load(checkpoint);
      String owner = Thread.currentThread().getName();
      return new FaceClassifier() {
        @Override
        public float[][] probabilities(byte[][] faces) {
          return classifier.probabilities(faces);
        }

        @Override
        public void close() {
          closed.add(owner);
        }
      };
    };
  }

  /** Runs {@code work} on a stream thread of that name, to its end. */
  private static void onStreamThread(String name, Runnable work) throws InterruptedException {
    Thread thread = new Thread(work, name);
    thread.start();
    thread.join();
  }

  @Test
  void
      theModelsAndInferenceThreadOfAStreamThreadThatFailedAreClosedWhenItsLastTaskClosesAndItsReplacementHasItsOwn()
          throws Exception {
    byte[] state = decision(RuleModels.checkpoint(1, 0), null);
    List<StreamThreadModels> tasks = new ArrayList<>();
    List<Thread> inferenceThreads = new CopyOnWriteArrayList<>();
    try (ServingModels models =
        new ServingModels(
            recordingLoader(),
            serdes.checkpoints().deserializer(),
            serdes.servingStates().deserializer(),
            new ClassifierMetrics(),
            true)) {
      onStreamThread(
          "stream-thread-1",
          () -> {
            tasks.add(models.acquire());
            tasks.add(models.acquire());
            tasks.get(0).current(statesTopic, state, topic, null, 0, letter -> {});
            tasks.get(1).inference().execute(() -> inferenceThreads.add(Thread.currentThread()));
          });
      assertSame(tasks.get(0), tasks.get(1), "the tasks of a stream thread share its models");

      onStreamThread(
          "stream-thread-2",
          () -> {
            StreamThreadModels replacement = models.acquire();
            replacement.current(statesTopic, state, topic, null, 0, letter -> {});
            replacement.inference().execute(() -> inferenceThreads.add(Thread.currentThread()));
            tasks.add(replacement);
          });
      assertNotSame(tasks.get(0), tasks.get(2), "the replacement loads models of its own");

      tasks.get(0).release();
      assertEquals(List.of(), closed, "the failed thread's other task still holds its models");
      tasks.get(1).release();
      assertEquals(List.of("stream-thread-1"), closed, "its last task closes them");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !inferenceThreads.get(0).isAlive());
      assertTrue(inferenceThreads.get(1).isAlive(), "the replacement's inference thread goes on");
    }
    assertEquals(
        List.of("stream-thread-1", "stream-thread-2"),
        closed,
        "closing the service closes the rest");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !inferenceThreads.get(1).isAlive());
  }

  @Test
  void aStreamThreadWhoseTasksAllClosedLoadsFreshModelsForItsNextTask() {
    byte[] state = decision(RuleModels.checkpoint(1, 0), null);
    try (ServingModels models =
        new ServingModels(
            recordingLoader(),
            serdes.checkpoints().deserializer(),
            serdes.servingStates().deserializer())) {
      StreamThreadModels first = models.acquire();
      ServingModels.Models before =
          first.current(statesTopic, state, topic, null, 0, letter -> {}).orElseThrow();
      first.release();
      assertEquals(1, closed.size(), "the last task's close closes the models");

      StreamThreadModels next = models.acquire();
      assertNotSame(first, next);
      ServingModels.Models after =
          next.current(statesTopic, state, topic, null, 1, letter -> {}).orElseThrow();
      assertNotSame(
          before.serving().classifier(), after.serving().classifier(), "nothing closed is served");
      next.release();
    }
    assertEquals(2, closed.size(), "nothing is closed twice, nothing is left open");
  }

  @Test
  void aBadDecisionRecordIsDeadLetteredOnceAndTwoDifferentOnesOfEqualLengthTwice() {
    byte[] good = decision(RuleModels.checkpoint(1, 0), null);
    byte[] bad = good.clone();
    bad[0] = 1; // not the wire format's magic byte
    byte[] otherBad = bad.clone();
    otherBad[otherBad.length - 1] ^= 0x7f;
    List<DeadLetter> letters = new ArrayList<>();
    try (ServingModels models = servingModels(new RuleModels())) {
      assertEquals(1L, current(models, good, null, 0, letters).orElseThrow().serving().version());

      assertEquals(1L, current(models, bad, null, 1, letters).orElseThrow().serving().version());
      assertEquals(
          1L, current(models, bad.clone(), null, 2, letters).orElseThrow().serving().version());
      assertEquals(1, letters.size(), "the same bad record is refused once");
      assertEquals(
          1L, current(models, otherBad, null, 3, letters).orElseThrow().serving().version());
      assertEquals(2, letters.size(), "another bad record of the same length is refused too");

      assertEquals(ServingModels.STAGE, letters.get(0).getStage());
      assertTrue(letters.get(0).getReason().contains("magic byte"), letters.get(0).getReason());
      assertTrue(
          letters.get(0).getLocation().contains(Sha256.hex(bad)), letters.get(0).getLocation());
      assertTrue(
          letters.get(1).getLocation().contains(Sha256.hex(otherBad)),
          letters.get(1).getLocation());
    }
  }

  private ServingModels servingModels(ModelLoader loader) {
    return new ServingModels(
        loader, serdes.checkpoints().deserializer(), serdes.servingStates().deserializer());
  }

  @Test
  void
      theCandidateIsLoadedFromTheLatestCheckpointOnceTheDecisionNamesItAndServesWithoutReloadWhenPromoted() {
    List<Long> loaded = new ArrayList<>();
    RuleModels rules = new RuleModels();
    ModelCheckpoint one = RuleModels.checkpoint(1, 0);
    ModelCheckpoint two = RuleModels.checkpoint(2, 3);
    List<DeadLetter> letters = new ArrayList<>();
    try (ServingModels models =
        servingModels(
            checkpoint -> {
              loaded.add(checkpoint.getVersion());
              return rules.load(checkpoint);
            })) {
      ServingModels.Models first =
          current(models, decision(one, null), checkpoint(one), 0, letters).orElseThrow();
      assertEquals(1L, first.serving().version());
      assertTrue(first.shadow().isEmpty());

      byte[] candidacy = decision(one, 2L);
      ServingModels.Models notYet =
          current(models, candidacy, checkpoint(one), 1, letters).orElseThrow();
      assertTrue(
          notYet.shadow().isEmpty(),
          "the candidate comes from the checkpoints topic, once it is there");
      ServingModels.Models shadowed =
          current(models, candidacy, checkpoint(two), 2, letters).orElseThrow();
      assertEquals(1L, shadowed.serving().version());
      assertEquals(2L, shadowed.candidate().version());

      ServingModels.Models promoted =
          current(models, decision(two, null), checkpoint(two), 3, letters).orElseThrow();
      assertEquals(2L, promoted.serving().version());
      assertTrue(promoted.shadow().isEmpty());
      assertEquals(List.of(1L, 2L), loaded, "the candidate's predictor serves as it is");

      ServingModels.Models rolledBack =
          current(models, decision(one, null), checkpoint(two), 4, letters).orElseThrow();
      assertEquals(1L, rolledBack.serving().version());
      assertEquals(List.of(1L, 2L, 1L), loaded);
    }
    assertEquals(List.of(), letters);
  }

  @Test
  void framesWaitUntilADecisionExistsEvenWithACheckpointPublished() {
    try (ServingModels models = servingModels(new RuleModels())) {
      assertEquals(
          Optional.empty(),
          current(models, null, checkpoint(RuleModels.checkpoint(1, 0)), 0, new ArrayList<>()));
    }
  }
}
