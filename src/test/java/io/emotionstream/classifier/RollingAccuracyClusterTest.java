package io.emotionstream.classifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.producer.FrameProducer;
import io.emotionstream.producer.RatePacer;
import io.emotionstream.producer.SyntheticFrames;
import io.emotionstream.testing.ChildProcess;
import io.emotionstream.testing.EventLog;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicWatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Rolling accuracy against a real broker, through a crash of the classifier. */
class RollingAccuracyClusterTest {
  @RegisterExtension
  static final SharedCluster kafka = new SharedCluster();

  @Test
  void theLastReportOfEachWindowCountsEveryLabelledFrameOnceAcrossASigkill(@TempDir Path dir) throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster(), 2);
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    String applicationId = "classifier-" + UUID.randomUUID();
    int frames = 600;

    try (EventLog events = new EventLog(connection, kafka.serdes())) {
      ChildProcess crashing = classifierProcess(connection, applicationId, dir, dir.resolve("first.log"));
      CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produceFrames(connection, frames));
      events.awaitCount(frames / 3);
      crashing.kill(); // mid-stream: scores counted but not committed are counted again, once, after the restart
      try (ChildProcess restarted = classifierProcess(connection, applicationId, dir, dir.resolve("second.log"))) {
        producing.get();
        events.awaitCount(frames);
        events.drainFor(Duration.ofSeconds(2));
        assertTheLastReportsCount(connection, events.all());
      }
    }
  }

  /** Tumbling windows that never close during the test: their last reports add up to every labelled frame. */
  private static void assertTheLastReportsCount(ConnectionSettings connection, List<EmotionEvent> events) {
    List<EmotionEvent> labelled = events.stream().filter(event -> event.getLabel() != null).toList();
    long correct = labelled.stream().filter(event -> event.getLabel() == event.getEmotion()).count();
    try (TopicWatch<AccuracyReport> reports = new TopicWatch<>(connection, connection.topics().accuracy(),
        kafka.serdes().keys().deserializer(), kafka.serdes().accuracyReports().deserializer())) {
      await().atMost(Duration.ofSeconds(60))
          .until(() -> sum(lastOfEachWindow(reports.values()), AccuracyReport::getTotal) >= labelled.size());
      Collection<AccuracyReport> last = lastOfEachWindow(reports.values());
      assertEquals(labelled.size(), sum(last, AccuracyReport::getTotal), "labelled frames scored");
      assertEquals(correct, sum(last, AccuracyReport::getCorrect), "labelled frames classified right");
    }
  }

  private static Collection<AccuracyReport> lastOfEachWindow(List<AccuracyReport> reports) {
    Map<String, AccuracyReport> last = new LinkedHashMap<>();
    reports.forEach(report -> last.put(report.getModelVersion() + "@" + report.getWindowStartMs(), report));
    return last.values();
  }

  private static long sum(Collection<AccuracyReport> reports, ToLongFunction<AccuracyReport> count) {
    return reports.stream().mapToLong(count).sum();
  }

  private static ChildProcess classifierProcess(ConnectionSettings connection, String applicationId, Path stateRoot,
      Path log) throws Exception {
    return ChildProcess.emotion(log, "classifier", "--bootstrap-servers", connection.bootstrapServers(),
        "--registry-url", connection.registryUrl(), "--topic-prefix", connection.topics().prefix(),
        "--application-id", applicationId, "--state-dir", stateRoot.toString(),
        "--accuracy-window", "2s", "--accuracy-advance", "2s", "--accuracy-grace", "10m");
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
