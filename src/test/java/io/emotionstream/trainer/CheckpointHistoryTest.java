package io.emotionstream.trainer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@IntegrationTest
class CheckpointHistoryTest {
  private static final String MODEL = ModelNames.DEFAULT;

  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void letsGoOfTheCheckpointsOfRunsItWillNotResume() {
    ConnectionSettings settings = FreshTopics.on(kafka.cluster());
    try (CheckpointHistory history =
        CheckpointHistory.read(settings, kafka.serdes(), MODEL, Set.of())) {
      WeakReference<ModelCheckpoint> earlierRun =
          addAndDrop(history, TestCheckpoints.deepEmotion(1, 1));

      history.add(TestCheckpoints.deepEmotion(2, 2));

      // Weights and optimizer state of every run would otherwise stay for as long as the trainer
      // runs.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                System.gc();
                return earlierRun.get() == null;
              });
      assertEquals(2, history.latestVersion());
    }
  }

  @Test
  void givesTheLastCheckpointOfARunToResumeOnce() throws Exception {
    ConnectionSettings settings = FreshTopics.on(kafka.cluster());
    TestCheckpoints.publish(settings, kafka.serdes(), ofRun("unfinished", 1, 1));
    TestCheckpoints.publish(settings, kafka.serdes(), ofRun("unfinished", 2, 2));
    TestCheckpoints.publish(settings, kafka.serdes(), ofRun("finished", 3, 1));

    try (CheckpointHistory history =
        CheckpointHistory.read(settings, kafka.serdes(), MODEL, Set.of("unfinished"))) {
      assertEquals(2, history.takeLastOfRun("unfinished").orElseThrow().getEpoch());
      assertTrue(history.takeLastOfRun("unfinished").isEmpty());
      assertTrue(history.takeLastOfRun("finished").isEmpty());
      assertEquals(3, history.latestVersion());
    }
  }

  /** Adds the checkpoint and keeps no strong reference to it here. */
  private static WeakReference<ModelCheckpoint> addAndDrop(
      CheckpointHistory history, ModelCheckpoint checkpoint) {
    history.add(checkpoint);
    return new WeakReference<>(checkpoint);
  }

  private static ModelCheckpoint ofRun(String runId, long version, int epoch) {
    return ModelCheckpoint.newBuilder(TestCheckpoints.deepEmotion(version, version))
        .setRunId(runId)
        .setEpoch(epoch)
        .build();
  }
}
