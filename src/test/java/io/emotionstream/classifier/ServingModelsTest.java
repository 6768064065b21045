package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.registry.SchemaRegistryClient;
import io.emotionstream.kafka.registry.SchemaRegistryServer;
import io.emotionstream.testing.SharedCluster;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServingModelsTest {
  @RegisterExtension
  static final SharedCluster kafka = new SharedCluster();

  private final String topic = Topics.standard().checkpoints();
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

  @Test
  void theModelAndInferenceThreadOfAStreamThreadThatEndedAreClosedWhenItsReplacementLoadsOne() throws Exception {
    byte[] latest = kafka.serdes().checkpoints().serializer().serialize(topic, RuleModels.checkpoint(1, 0));
    try (ServingModels models = new ServingModels(recordingLoader(), kafka.serdes().checkpoints().deserializer(),
        new ClassifierMetrics(), true)) {
      Thread failed = new Thread(() -> {
        models.current(topic, latest, 0, letter -> {});
        models.inference().execute(() -> {}); // it had classified with its inference thread
      }, "stream-thread-1");
      failed.start();
      failed.join();
      assertEquals(List.of(), closed, "nothing is closed while no thread replaces it");

      Thread replacement = new Thread(() -> models.current(topic, latest, 0, letter -> {}), "stream-thread-2");
      replacement.start();
      replacement.join();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> closed.equals(List.of("stream-thread-1")));
    }
    assertEquals(List.of("stream-thread-1", "stream-thread-2"), closed, "closing the service closes the rest");
  }

  @Test
  void aCheckpointUnreadableWhileTheRegistryIsAwayIsNotRefusedAndServesOnceTheRegistryIsBack() throws Exception {
    byte[] latest = kafka.serdes().checkpoints().serializer().serialize(topic, RuleModels.checkpoint(1, 0));
    int registryPort;
    try (ServerSocket free = new ServerSocket(0)) {
      registryPort = free.getLocalPort(); // nothing listens there until the registry comes back on it
    }
    // A client of its own, which has never fetched the checkpoint's schema.
    TopicSerdes serdes = new TopicSerdes(new SchemaRegistryClient("http://127.0.0.1:" + registryPort));
    ClassifierMetrics metrics = new ClassifierMetrics();
    List<DeadLetter> letters = new ArrayList<>();
    try (ServingModels models = new ServingModels(new RuleModels(), serdes.checkpoints().deserializer(), metrics,
        false)) {
      assertEquals(Optional.empty(), models.current(topic, latest, 0, letters::add));
      assertEquals(List.of(), letters, "the registry's absence is not the checkpoint's fault");
      assertEquals(1, metrics.checkpointRetries());
      assertEquals(Optional.empty(), models.current(topic, latest, 50, letters::add));
      assertEquals(1, metrics.checkpointRetries(), "not asked again within the first backoff");

      try (SchemaRegistryServer restarted = SchemaRegistryServer.start(
          SchemaRegistryServer.Settings.of(kafka.cluster().kafka().bootstrapServers()).withPort(registryPort))) {
        Optional<ServingModels.Serving> served = models.current(topic, latest, 10_000, letters::add);
        assertEquals(1L, served.orElseThrow().version());
      }
      assertEquals(List.of(), letters);
      assertEquals(1, metrics.checkpointRetries());
    }
  }

  @Test
  void aBadCheckpointRecordIsDeadLetteredOnceAndTwoDifferentOnesOfEqualLengthTwice() {
    byte[] good = kafka.serdes().checkpoints().serializer().serialize(topic, RuleModels.checkpoint(1, 0));
    byte[] bad = good.clone();
    bad[0] = 1; // not the wire format's magic byte
    byte[] otherBad = bad.clone();
    otherBad[otherBad.length - 1] ^= 0x7f;
    List<DeadLetter> letters = new ArrayList<>();
    try (ServingModels models = new ServingModels(new RuleModels(), kafka.serdes().checkpoints().deserializer())) {
      assertEquals(1L, models.current(topic, good, 0, letters::add).orElseThrow().version());

      assertEquals(1L, models.current(topic, bad, 1, letters::add).orElseThrow().version());
      assertEquals(1L, models.current(topic, bad.clone(), 2, letters::add).orElseThrow().version());
      assertEquals(1, letters.size(), "the same bad record is refused once");
      assertEquals(1L, models.current(topic, otherBad, 3, letters::add).orElseThrow().version());
      assertEquals(2, letters.size(), "another bad record of the same length is refused too");

      assertEquals(ServingModels.STAGE, letters.get(0).getStage());
      assertTrue(letters.get(0).getReason().contains("magic byte"), letters.get(0).getReason());
      assertTrue(letters.get(0).getLocation().contains(Sha256.hex(bad)), letters.get(0).getLocation());
      assertTrue(letters.get(1).getLocation().contains(Sha256.hex(otherBad)), letters.get(1).getLocation());
    }
  }
}
