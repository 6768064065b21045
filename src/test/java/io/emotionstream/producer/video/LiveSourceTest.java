package io.emotionstream.producer.video;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.LoopbackVideoServer;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestVideos;
import io.emotionstream.testing.TopicRecords;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sources that run in real time: FFmpeg's generated test pictures, and a network stream that drops.
 */
@Timeout(
    value = 3,
    unit = TimeUnit.MINUTES) // a network read that blocks must fail the test, not hang the build
@IntegrationTest
class LiveSourceTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void aLiveSourceFasterThanDetectionDropsTheOldestFramesAndKeepsTheNewest() throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    double rate = 400;
    // Searched at full size (a 24-pixel minimum face), far slower than 400 frames a second.
    VideoSourceSpec source =
        VideoSourceSpec.of(
            "testsrc2=size=320x240:rate=" + (int) rate + ",realtime", "lavfi", Map.of());
    VideoSettings settings =
        new VideoSettings(
            source,
            new DetectionSettings(DetectionSettings.DEFAULT_CASCADE, 1.1, 4, 24, 2),
            Pacing.ownRate(),
            1,
            600,
            Duration.ZERO,
            false,
            false,
            2,
            ScenePublishing.every(0));

    VideoSummary summary;
    try (VideoProducer producer = new VideoProducer(connection, kafka.serdes())) {
      summary = producer.stream(settings, "lavfi", n -> {});
    }

    assertEquals(600, summary.scenesRead(), summary.describe());
    assertTrue(
        summary.scenesDropped() > 0,
        "detection cannot keep up, so frames are dropped: " + summary.describe());
    assertTrue(
        summary.elapsed().toNanos() / 1e9 >= (600 - 1) / rate * 0.9,
        "a live source is not read faster than it runs: " + summary.describe());
    List<SceneFrame> scenes =
        TopicRecords.readAtLeast(
                connection,
                connection.topics().scenes(),
                kafka.serdes().keys().deserializer(),
                kafka.serdes().scenes().deserializer(),
                (int) summary.scenesPublished())
            .stream()
            .map(ConsumerRecord::value)
            .toList();
    assertEquals(
        summary.scenesSearched(), scenes.size(), "every searched frame published, no dropped one");
    assertEquals(summary.scenesRead() - summary.scenesDropped(), scenes.size());
    long last = scenes.get(scenes.size() - 1).getSceneIndex();
    assertTrue(
        last >= 600 - 1 - settings.queueCapacity(),
        "the newest frames are kept, the last searched is " + last);
    for (int i = 1; i < scenes.size(); i++) {
      assertTrue(
          scenes.get(i).getSceneIndex() > scenes.get(i - 1).getSceneIndex(),
          "frames stay in order");
    }
  }

  @Test
  void aStreamThatIsCutIsReconnectedAndTheSummarySaysHowLongItWasDown() throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    VideoSourceSpec source =
        VideoSourceSpec.of("http://127.0.0.1:" + port + "/camera.ts", null, Map.of());
    VideoSettings settings = VideoSettings.of(source).withReconnect(true).withLimit(60);
    AtomicLong searched = new AtomicLong();

    LoopbackVideoServer first = LoopbackVideoServer.listen(port, 15);
    try (VideoProducer producer = new VideoProducer(connection, kafka.serdes())) {
      CompletableFuture<VideoSummary> running =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return producer.stream(settings, "ip-camera", searched::set);
                } catch (VideoSourceException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertTrue(first.awaitClient(30), "the producer connects");
      await().atMost(Duration.ofSeconds(30)).until(() -> searched.get() >= 20);
      first.close(); // the camera drops off the network
      long beforeCut = searched.get();
      try (LoopbackVideoServer second = LoopbackVideoServer.listen(port, 15)) {
        assertTrue(second.awaitClient(30), "the producer comes back");
        VideoSummary summary = running.get(60, TimeUnit.SECONDS);

        assertEquals(1, summary.reconnections(), summary.describe());
        assertTrue(summary.downtime().toMillis() > 0, summary.describe());
        assertTrue(summary.describe().contains("source down"), summary.describe());
        assertTrue(summary.complete(), "a reconnected stream is not lost: " + summary.describe());
        assertTrue(searched.get() > beforeCut, "frames flow again after the cut");
        List<FaceFrame> faces =
            TopicRecords.readAtLeast(
                    connection,
                    connection.topics().frames(),
                    kafka.serdes().keys().deserializer(),
                    kafka.serdes().frames().deserializer(),
                    (int) summary.facesSent())
                .stream()
                .map(ConsumerRecord::value)
                .toList();
        long lastBeforeCut = beforeCut - 1;
        assertTrue(
            faces.stream().anyMatch(face -> face.getScene().getSceneIndex() > lastBeforeCut + 1),
            "faces found in the second connection's frames, whose indices go on from the first's");
        assertTrue(
            faces.stream().allMatch(face -> face.getScene().getSceneWidth() == TestVideos.WIDTH));
      }
    }
  }
}
