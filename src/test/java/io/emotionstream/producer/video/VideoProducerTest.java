package io.emotionstream.producer.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.SceneFace;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.GrayImage;
import io.emotionstream.data.Region;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TestVideos;
import io.emotionstream.testing.TopicRecords;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Video files into Kafka through the real FFmpeg, OpenCV, broker and registry, and on through the
 * classifier.
 */
@IntegrationTest
class VideoProducerTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @ParameterizedTest
  @EnumSource(TestVideos.Codec.class)
  void everyFrameOfAVideoFileGivesItsFaceWithItsBoxAndScenePosition(
      TestVideos.Codec codec, @TempDir Path dir) throws Exception {
    int frames = 30;
    TestVideos.Video video = TestVideos.write(dir, "pan", codec, frames, 15);
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());

    VideoSummary summary;
    try (VideoProducer producer = new VideoProducer(connection, kafka.serdes())) {
      summary =
          producer.stream(
              VideoSettings.of(VideoSourceSpec.of(video.file().toString(), null, Map.of()))
                  .withPacing(Pacing.asFastAsPossible())
                  .withScenes(ScenePublishing.every(0)),
              "cam-video",
              n -> {});
    }

    assertEquals(frames, summary.scenesRead(), summary.describe());
    assertEquals(0, summary.scenesDropped(), "a file read as fast as possible drops nothing");
    assertEquals(0, summary.scenesWithoutFace(), summary.describe());
    assertEquals(frames, summary.scenesPublished());
    assertTrue(summary.complete(), summary.describe());

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
    assertEquals(summary.facesSent(), faces.size());
    Map<Long, List<FaceFrame>> byScene =
        faces.stream().collect(Collectors.groupingBy(face -> face.getScene().getSceneIndex()));
    for (int i = 0; i < frames; i++) {
      List<FaceFrame> found = byScene.get((long) i);
      assertNotNull(found, "frame " + i + " has faces");
      Region expected = video.faces().get(i);
      assertTrue(
          found.stream()
              .anyMatch(face -> TestVideos.sameFace(expected, region(face.getScene().getBox()))),
          "frame "
              + i
              + ": expected "
              + expected
              + " among "
              + found.stream().map(f -> region(f.getScene().getBox())).toList());
      for (FaceFrame face : found) {
        SceneFace scene = face.getScene();
        assertEquals(TestVideos.WIDTH, scene.getSceneWidth());
        assertEquals(TestVideos.HEIGHT, scene.getSceneHeight());
        assertEquals(found.size(), scene.getFaceCount());
        assertEquals(FaceSet.SIDE, face.getWidth());
        assertEquals(FaceSet.PIXELS, face.getPixels().remaining());
        assertEquals("cam-video", face.getSourceId());
      }
      assertEquals(
          List.of(0, 1, 2, 3, 4, 5).subList(0, found.size()),
          found.stream().map(face -> face.getScene().getFaceIndex()).sorted().toList());
    }
    assertTrue(
        byScene.get(frames - 1L).get(0).getScene().getSceneTimeMs() > 1800,
        "scene times follow the file's 15 frames/s");

    List<SceneFrame> scenes =
        TopicRecords.readAtLeast(
                connection,
                connection.topics().scenes(),
                kafka.serdes().keys().deserializer(),
                kafka.serdes().scenes().deserializer(),
                frames)
            .stream()
            .map(ConsumerRecord::value)
            .toList();
    assertEquals(frames, scenes.size());
    SceneFrame first = scenes.get(0);
    byte[] jpeg = new byte[first.getJpeg().remaining()];
    first.getJpeg().get(jpeg);
    GrayImage picture = GrayImage.decode(jpeg, "scene 0");
    assertEquals(TestVideos.WIDTH, picture.width());
    assertEquals(TestVideos.HEIGHT, picture.height());
    assertEquals(
        byScene.get(0L).stream()
            .sorted(java.util.Comparator.comparingInt(f -> f.getScene().getFaceIndex()))
            .map(f -> f.getScene().getBox())
            .toList(),
        first.getFaces(),
        "the scene carries its faces' boxes, in face order");
  }

  @Test
  void theClassifiersEventsCarryTheFacesBoxBack(@TempDir Path dir) throws Exception {
    int frames = 12;
    TestVideos.Video video = TestVideos.write(dir, "pan", TestVideos.Codec.H264, frames, 15);
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));

    VideoSummary summary;
    List<EmotionEvent> events;
    try (ClassifierService classifier =
            ClassifierService.start(
                connection,
                ClassifierSettings.defaults()
                    .withApplicationId("classifier-" + UUID.randomUUID())
                    .withStateDirectory(dir.resolve("state")),
                new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
        VideoProducer producer = new VideoProducer(connection, kafka.serdes())) {
      summary =
          producer.stream(
              VideoSettings.of(VideoSourceSpec.of(video.file().toString(), null, Map.of()))
                  .withPacing(Pacing.asFastAsPossible()),
              "cam-video",
              n -> {});
      events =
          TopicRecords.readAtLeast(
                  connection,
                  connection.topics().events(),
                  kafka.serdes().keys().deserializer(),
                  kafka.serdes().events().deserializer(),
                  (int) summary.facesSent())
              .stream()
              .map(ConsumerRecord::value)
              .toList();
    }

    assertEquals(summary.facesSent(), events.size(), "one event per face");
    for (int i = 0; i < frames; i++) {
      long index = i;
      Region expected = video.faces().get(i);
      assertTrue(
          events.stream()
              .filter(e -> e.getScene().getSceneIndex() == index)
              .anyMatch(e -> TestVideos.sameFace(expected, region(e.getScene().getBox()))),
          "frame " + i + "'s face");
    }
  }

  @Test
  void aLoopedFilePlaysAgainFromItsStartWithFrameIndicesGoingOn(@TempDir Path dir)
      throws Exception {
    TestVideos.Video video = TestVideos.write(dir, "short", TestVideos.Codec.MJPEG, 10, 15);
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());

    VideoSummary summary;
    try (VideoProducer producer = new VideoProducer(connection, kafka.serdes())) {
      summary =
          producer.stream(
              VideoSettings.of(VideoSourceSpec.of(video.file().toString(), null, Map.of()))
                  .withPacing(Pacing.asFastAsPossible())
                  .withLoop(true)
                  .withLimit(25),
              "loop",
              n -> {});
    }

    assertEquals(25, summary.scenesRead(), summary.describe());
    assertTrue(
        summary.describe().endsWith("its limit of 25 frames was reached"), summary.describe());
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
    for (long index = 0; index < 25; index++) {
      Region expected = video.faces().get((int) (index % 10));
      long scene = index;
      assertTrue(
          faces.stream()
              .filter(f -> f.getScene().getSceneIndex() == scene)
              .anyMatch(f -> TestVideos.sameFace(expected, region(f.getScene().getBox()))),
          "frame " + index);
    }
  }

  @Test
  void everyNthFrameIsKeptAtTheRateAskedFor(@TempDir Path dir) throws Exception {
    TestVideos.Video video = TestVideos.write(dir, "clip", TestVideos.Codec.MJPEG, 30, 15);
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    VideoSettings base =
        VideoSettings.of(VideoSourceSpec.of(video.file().toString(), null, Map.of()));

    VideoSummary summary;
    try (VideoProducer producer = new VideoProducer(connection, kafka.serdes())) {
      summary =
          producer.stream(
              new VideoSettings(
                  base.source(),
                  base.detection(),
                  Pacing.rate(60),
                  3,
                  0,
                  base.duration(),
                  false,
                  false,
                  30,
                  ScenePublishing.every(0)),
              "every",
              n -> {});
    }

    assertEquals(30, summary.scenesRead());
    assertEquals(20, summary.scenesSkipped());
    assertEquals(
        10,
        summary.scenesSearched(),
        "a queue as long as the file drops nothing: " + summary.describe());
    assertTrue(
        summary.elapsed().toMillis() >= 29 * 1000 / 60,
        "30 frames at 60 a second take half a second at least");
    List<Long> indices =
        TopicRecords.readAtLeast(
                connection,
                connection.topics().scenes(),
                kafka.serdes().keys().deserializer(),
                kafka.serdes().scenes().deserializer(),
                10)
            .stream()
            .map(record -> record.value().getSceneIndex())
            .toList();
    assertEquals(List.of(0L, 3L, 6L, 9L, 12L, 15L, 18L, 21L, 24L, 27L), indices);
  }

  private static Region region(FaceBox box) {
    return new Region(box.getX(), box.getY(), box.getWidth(), box.getHeight());
  }
}
