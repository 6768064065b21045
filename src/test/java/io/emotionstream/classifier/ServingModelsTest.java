package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.kafka.Topics;
import io.emotionstream.testing.SharedCluster;
import java.time.Duration;
import java.util.List;
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
    try (ServingModels models = new ServingModels(recordingLoader(), kafka.serdes().checkpoints().deserializer(), true)) {
      Thread failed = new Thread(() -> {
        models.current(topic, latest, letter -> {});
        models.inference().execute(() -> {}); // it had classified with its inference thread
      }, "stream-thread-1");
      failed.start();
      failed.join();
      assertEquals(List.of(), closed, "nothing is closed while no thread replaces it");

      Thread replacement = new Thread(() -> models.current(topic, latest, letter -> {}), "stream-thread-2");
      replacement.start();
      replacement.join();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> closed.equals(List.of("stream-thread-1")));
    }
    assertEquals(List.of("stream-thread-1", "stream-thread-2"), closed, "closing the service closes the rest");
  }
}
