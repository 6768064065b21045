package io.emotionstream.classifier;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.producer.FrameProducer;
import io.emotionstream.producer.RatePacer;
import io.emotionstream.producer.SyntheticFrames;
import io.emotionstream.testing.ChildProcess;
import io.emotionstream.testing.EventLog;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.LastAccuracyReports;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Rolling accuracy against a real broker, through a crash of the classifier. */
@IntegrationTest
class RollingAccuracyClusterTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void theLastReportOfEachWindowCountsEveryLabelledFrameOnceAcrossASigkill(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 2);
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    String applicationId = "classifier-" + UUID.randomUUID();
    int frames = 600;

    try (EventLog events = new EventLog(connection, kafka.serdes())) {
      ChildProcess crashing =
          classifierProcess(connection, applicationId, dir, dir.resolve("first.log"));
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(() -> produceFrames(connection, frames));
      events.awaitCount(frames / 3);
      crashing
          .kill(); // mid-stream: scores counted but not committed are counted again, once, after
      // the restart
      try (ChildProcess restarted =
          classifierProcess(connection, applicationId, dir, dir.resolve("second.log"))) {
        producing.get();
        events.awaitCount(frames);
        events.drainFor(Duration.ofSeconds(2));
        // Tumbling windows that never close during the test: their last reports add up to every
        // labelled frame.
        LastAccuracyReports.assertCountEveryLabelledEvent(
            connection, kafka.serdes(), events.all(), Duration.ofSeconds(60));
      }
    }
  }

  private static ChildProcess classifierProcess(
      ConnectionSettings connection, String applicationId, Path stateRoot, Path log)
      throws Exception {
    return ChildProcess.emotion(
        log,
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
        stateRoot.toString(),
        "--accuracy-window",
        "2s",
        "--accuracy-advance",
        "2s",
        "--accuracy-grace",
        "10m");
  }

  /** Two cameras, half the frames labelled, over several seconds: the crash falls mid-stream. */
  private static void produceFrames(ConnectionSettings connection, int total) {
    try (FrameProducer producer = new FrameProducer(connection, kafka.serdes())) {
      SyntheticFrames faces = new SyntheticFrames(5, 0.5);
      for (int sent = 0; sent < total; sent += 2) {
        producer.send(faces, "cam-1", RatePacer.unlimited(), 1, n -> {});
        producer.send(faces, "cam-2", RatePacer.unlimited(), 1, n -> {});
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
