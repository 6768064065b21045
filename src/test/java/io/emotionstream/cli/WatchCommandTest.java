package io.emotionstream.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.data.Region;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.producer.video.Pacing;
import io.emotionstream.producer.video.ScenePublishing;
import io.emotionstream.producer.video.VideoProducer;
import io.emotionstream.producer.video.VideoSettings;
import io.emotionstream.producer.video.VideoSourceSpec;
import io.emotionstream.producer.video.VideoSummary;
import io.emotionstream.testing.ChildProcess;
import io.emotionstream.testing.CommandRun;
import io.emotionstream.testing.DrawnBoxes;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SceneRecords;
import io.emotionstream.testing.SceneRecords.Raw;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TestVideos;
import io.emotionstream.testing.TopicRecords;
import io.emotionstream.watch.SceneAnnotator;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code emotion watch} through the CLI on the real pipeline: the test video streamed by the video
 * producer with its scenes, classified by the real classifier, on a real broker and registry; the
 * pictures read back from the files written.
 */
@IntegrationTest
class WatchCommandTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();
  private static final int FRAMES = 20;
  private static final String SOURCE = "cam-video";

  @TempDir static Path shared;

  /** Topics holding the video's faces, scenes and events. */
  private static ConnectionSettings pipeline;

  private static List<EmotionEvent> events;

  @BeforeAll
  static void streamTheTestVideoThroughTheClassifier() throws Exception {
    TestVideos.Video video = TestVideos.write(shared, "pan", TestVideos.Codec.H264, FRAMES, 15);
    pipeline = FreshTopics.on(kafka.cluster());
    TestCheckpoints.publish(pipeline, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    VideoSummary summary;
    try (ClassifierService classifier =
            ClassifierService.start(
                pipeline,
                ClassifierSettings.defaults()
                    .withApplicationId("classifier-" + UUID.randomUUID())
                    .withStateDirectory(shared.resolve("state")),
                new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
        VideoProducer producer = new VideoProducer(pipeline, kafka.serdes())) {
      summary =
          producer.stream(
              VideoSettings.of(VideoSourceSpec.of(video.file().toString(), null, Map.of()))
                  .withPacing(Pacing.asFastAsPossible())
                  .withScenes(ScenePublishing.every(0)),
              SOURCE,
              n -> {});
      events =
          TopicRecords.readAtLeast(
                  pipeline,
                  pipeline.topics().events(),
                  kafka.serdes().keys().deserializer(),
                  kafka.serdes().events().deserializer(),
                  (int) summary.facesSent())
              .stream()
              .map(ConsumerRecord::value)
              .toList();
    }
    assertEquals(FRAMES, summary.scenesPublished(), summary.describe());
    assertEquals(summary.facesSent(), events.size());
  }

  @Test
  void watchOutDirDrawsEachFacesBoxWhereTheFaceIsWithItsLabelInItsEmotionsColour(@TempDir Path dir)
      throws Exception {
    Path frames = dir.resolve("frames");
    CommandRun result =
        CommandRun.against(
            pipeline,
            "watch",
            "--source-id",
            SOURCE,
            "--out",
            frames.toString(),
            "--from-beginning",
            "--limit",
            String.valueOf(FRAMES));

    assertEquals(0, result.exitCode(), describe(result));
    assertTrue(
        result
            .out()
            .contains(FRAMES + " annotated scenes (0 with faces missing); " + FRAMES + " PNGs in "),
        describe(result));
    List<String> expectedNames = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      expectedNames.add(String.format("frame-%06d.png", i));
    }
    assertEquals(expectedNames, names(frames));

    int foundApart = 0;
    for (int i = 0; i < FRAMES; i++) {
      BufferedImage png = ImageIO.read(frames.resolve(expectedNames.get(i)).toFile());
      assertEquals(TestVideos.WIDTH, png.getWidth());
      Region face = TestVideos.face(i, FRAMES);
      long index = i;
      List<EmotionEvent> faces =
          events.stream().filter(e -> e.getScene().getSceneIndex() == index).toList();
      EmotionEvent event =
          faces.stream()
              .filter(e -> TestVideos.sameFace(face, region(e.getScene().getBox())))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("frame " + index + ": no event of the face at " + face));
      Color colour = SceneAnnotator.colour(event.getEmotion());

      // The outline is where the event says, in its emotion's colour, and the event says where the
      // face is.
      Region box = region(event.getScene().getBox());
      assertTrue(
          outlined(png, box, colour.getRGB()),
          "frame " + i + ": no " + event.getEmotion() + " outline at " + box);
      boolean alone =
          faces.stream().noneMatch(e -> e != event && e.getEmotion() == event.getEmotion());
      if (alone) {
        // Found from the pixels alone, without the event's box.
        Region drawn = DrawnBoxes.find(png, colour.getRGB(), face);
        assertTrue(
            TestVideos.sameFace(face, drawn),
            "frame " + i + ": box drawn at " + drawn + ", the face is at " + face);
        foundApart++;
      }

      Region aboveTheBox =
          new Region(box.x(), Math.max(0, box.y() - 40), box.width(), Math.min(box.y(), 38));
      int labelPixels = count(png, aboveTheBox, colour.getRGB());
      assertTrue(
          labelPixels > 400,
          "frame "
              + i
              + ": the label above the box is "
              + event.getEmotion()
              + "'s colour: "
              + labelPixels
              + " pixels of it");
    }
    assertTrue(
        foundApart >= FRAMES / 2, "most frames have one face of their colour: " + foundApart);
  }

  /**
   * Whether at least 90% of the pixels along each edge of the box are exactly the colour (others
   * may cross it).
   */
  private static boolean outlined(BufferedImage png, Region box, int rgb) {
    int[][] edges = {
      {box.x(), 0, 0, 1},
      {box.x() + box.width(), 0, 0, 1},
      {0, box.y(), 1, 0},
      {0, box.y() + box.height(), 1, 0}
    };
    for (int[] edge : edges) {
      int on = 0;
      int length = edge[2] == 1 ? box.width() : box.height();
      for (int i = 0; i < length; i++) {
        int x = edge[2] == 1 ? box.x() + i : edge[0];
        int y = edge[3] == 1 ? box.y() + i : edge[1];
        on += png.getRGB(x, y) == rgb ? 1 : 0;
      }
      if (on < 0.9 * length) {
        return false;
      }
    }
    return true;
  }

  @Test
  void watchOutMp4WritesAVideoOfOneFramePerSceneThatDecodes(@TempDir Path dir) throws Exception {
    Path mp4 = dir.resolve("watch.mp4");
    CommandRun result =
        CommandRun.against(
            pipeline,
            "watch",
            "--source-id",
            SOURCE,
            "--out",
            mp4.toString(),
            "--from-beginning",
            "--limit",
            String.valueOf(FRAMES),
            "--quiet");

    assertEquals(0, result.exitCode(), describe(result));
    assertEquals(
        2,
        result.out().lines().count(),
        "--quiet: the start and the summary only\n" + describe(result));
    assertDecodes(mp4, FRAMES);
  }

  @Test
  void withoutOutItPrintsOneLinePerSceneAndSaysThePictureIsInTheDashboard() {
    CommandRun result =
        CommandRun.against(
            pipeline, "watch", "--source-id", SOURCE, "--from-beginning", "--limit", "3");

    assertEquals(0, result.exitCode(), describe(result));
    List<String> lines = result.out().lines().toList();
    assertEquals(5, lines.size(), describe(result));
    assertTrue(
        lines.get(0).startsWith("watching " + SOURCE + " on ")
            && lines.get(0).contains("dashboard"),
        lines.get(0));
    for (int i = 0; i < 3; i++) {
      long index = i;
      EmotionEvent event =
          events.stream()
              .filter(e -> e.getScene().getSceneIndex() == index)
              .findFirst()
              .orElseThrow();
      FaceBox box = event.getScene().getBox();
      assertTrue(lines.get(1 + i).startsWith(SOURCE + " scene " + i + " at "), lines.get(1 + i));
      assertTrue(
          lines
              .get(1 + i)
              .contains(
                  SceneAnnotator.label(event)
                      + " at "
                      + box.getX()
                      + ","
                      + box.getY()
                      + " "
                      + box.getWidth()
                      + "x"
                      + box.getHeight()),
          lines.get(1 + i));
    }
    assertEquals(
        "3 annotated scenes (0 with faces missing); ended: its limit of 3 scenes was reached",
        lines.get(4));
  }

  @Test
  void aCorruptPictureAndUnreadableRecordsAreSkippedAndTheWatchGoesOn(@TempDir Path dir)
      throws Exception {
    ConnectionSettings topics = FreshTopics.on(kafka.cluster());
    String scenes = topics.topics().scenes();
    String eventsTopic = topics.topics().events();
    var sceneBytes = kafka.serdes().scenes().serializer();
    var eventBytes = kafka.serdes().events().serializer();
    Region face = TestVideos.face(0, 5);
    byte[] notAvro = "not a record".getBytes(StandardCharsets.UTF_8);
    SceneRecords.publish(
        topics,
        List.of(
            new Raw(
                scenes,
                "cam",
                sceneBytes.serialize(
                    scenes, SceneRecords.scene("cam", 0, 1, SceneRecords.videoFrameJpeg(0, 5)))),
            new Raw(
                scenes,
                "cam",
                sceneBytes.serialize(scenes, SceneRecords.scene("cam", 1, 1, "broken".getBytes()))),
            new Raw(scenes, "cam", notAvro),
            new Raw(
                scenes,
                "other",
                sceneBytes.serialize(scenes, SceneRecords.scene("other", 0, 0, new byte[0]))),
            new Raw(
                scenes,
                "cam",
                sceneBytes.serialize(
                    scenes, SceneRecords.scene("cam", 2, 1, SceneRecords.videoFrameJpeg(2, 5)))),
            new Raw(
                eventsTopic,
                "cam",
                eventBytes.serialize(
                    eventsTopic, SceneRecords.event("cam", 0, 0, 1, Emotion.SAD, 0.7f, face))),
            new Raw(
                eventsTopic,
                "cam",
                eventBytes.serialize(
                    eventsTopic, SceneRecords.event("cam", 1, 0, 1, Emotion.SAD, 0.7f, face))),
            new Raw(eventsTopic, "cam", notAvro),
            new Raw(
                eventsTopic,
                "cam",
                eventBytes.serialize(
                    eventsTopic,
                    SceneRecords.event(
                        "cam", 2, 0, 1, Emotion.FEAR, 0.7f, TestVideos.face(2, 5))))));

    CommandRun result =
        CommandRun.against(
            topics,
            "watch",
            "--source-id",
            "cam",
            "--out",
            dir.toString(),
            "--from-beginning",
            "--limit",
            "2");

    assertEquals(0, result.exitCode(), describe(result));
    assertEquals(List.of("frame-000000.png", "frame-000002.png"), names(dir));
    assertTrue(
        result.out().contains("skipped 1 unreadable scene pictures and 2 unreadable records"),
        describe(result));
    BufferedImage last = ImageIO.read(dir.resolve("frame-000002.png").toFile());
    assertTrue(
        TestVideos.sameFace(
            TestVideos.face(2, 5),
            DrawnBoxes.find(
                last, SceneAnnotator.colour(Emotion.FEAR).getRGB(), TestVideos.face(2, 5))));
  }

  @Test
  void refusesAnOutputItCannotWriteAndTopicsThatDoNotExistWithAClearMessage(@TempDir Path dir) {
    CommandRun mov =
        CommandRun.against(
            pipeline, "watch", "--source-id", SOURCE, "--out", dir.resolve("watch.mov").toString());
    assertEquals(1, mov.exitCode(), describe(mov));
    assertTrue(
        mov.err()
            .contains(
                "error: --out "
                    + dir.resolve("watch.mov")
                    + ": .mov is not a video type written here"),
        describe(mov));

    CommandRun several =
        CommandRun.against(
            pipeline, "watch", "--all", "--out", dir.resolve("watch.mp4").toString());
    assertEquals(1, several.exitCode(), describe(several));
    assertTrue(several.err().contains("a video file shows one source"), describe(several));

    CommandRun missing =
        CommandRun.against(
            pipeline.withTopics(new io.emotionstream.kafka.Topics("nothing-here.")),
            "watch",
            "--all");
    assertEquals(1, missing.exitCode(), describe(missing));
    assertTrue(
        missing.err().contains("topic nothing-here.scenes does not exist"), describe(missing));
  }

  @Test
  void sigtermEndsTheWatchCleanlyAndTheMp4IsFinished(@TempDir Path dir) throws Exception {
    Path mp4 = dir.resolve("live.mp4");
    Path log = dir.resolve("watch.log");
    List<String> args =
        new ArrayList<>(
            List.of("watch", "--source-id", SOURCE, "--out", mp4.toString(), "--from-beginning"));
    args.addAll(connectionArgs(pipeline));
    try (ChildProcess watch = ChildProcess.emotion(log, args.toArray(String[]::new))) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  Files.readAllLines(log).stream()
                          .filter(line -> line.startsWith(SOURCE + " scene "))
                          .count()
                      == FRAMES);
      assertTrue(watch.isAlive(), "no limit: it runs until stopped");

      watch.terminate();
      int exit = watch.awaitExit(Duration.ofSeconds(60));
      assertEquals(
          143, exit, "ended by SIGTERM, after its shutdown hook:\n" + Files.readString(log));
    }
    assertTrue(Files.readString(log).contains(FRAMES + " annotated scenes"), Files.readString(log));
    assertDecodes(mp4, FRAMES);
  }

  private static void assertDecodes(Path video, int frames) throws Exception {
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      grabber.start();
      assertEquals(TestVideos.WIDTH, grabber.getImageWidth());
      assertEquals(TestVideos.HEIGHT, grabber.getImageHeight());
      assertEquals(15, grabber.getFrameRate(), 0.5, "the scenes' own rate");
      int decoded = 0;
      for (Frame frame = grabber.grabImage(); frame != null; frame = grabber.grabImage()) {
        if (decoded == 0) {
          BufferedImage first = converter.convert(frame);
          Region face = TestVideos.face(0, FRAMES);
          EmotionEvent event =
              events.stream()
                  .filter(
                      e ->
                          e.getScene().getSceneIndex() == 0
                              && TestVideos.sameFace(face, region(e.getScene().getBox())))
                  .findFirst()
                  .orElseThrow();
          FaceBox box = event.getScene().getBox();
          assertNotNull(first);
          assertTrue(
              DrawnBoxes.colourNear(
                  first,
                  box.getX(),
                  box.getY() + box.getHeight() / 2,
                  SceneAnnotator.colour(event.getEmotion())),
              "the box's left edge, in its colour (as near as H.264 keeps it)");
          assertTrue(
              !DrawnBoxes.colourNear(
                  first,
                  box.getX() + box.getWidth() / 2,
                  box.getY() + box.getHeight() / 2,
                  SceneAnnotator.colour(event.getEmotion())),
              "not the colour of the face inside the box");
        }
        decoded++;
      }
      assertEquals(frames, decoded);
      grabber.stop();
    }
  }

  private static int count(BufferedImage image, Region region, int rgb) {
    int n = 0;
    for (int y = region.y(); y < region.y() + region.height(); y++) {
      for (int x = region.x(); x < Math.min(image.getWidth(), region.x() + region.width()); x++) {
        n += image.getRGB(x, y) == rgb ? 1 : 0;
      }
    }
    return n;
  }

  private static Region region(FaceBox box) {
    return new Region(box.getX(), box.getY(), box.getWidth(), box.getHeight());
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String describe(CommandRun run) {
    return "exit " + run.exitCode() + "\nout:\n" + run.out() + "\nerr:\n" + run.err();
  }

  private static List<String> connectionArgs(ConnectionSettings connection) {
    return List.of(
        "--bootstrap-servers",
        connection.bootstrapServers(),
        "--registry-url",
        connection.registryUrl(),
        "--topic-prefix",
        connection.topics().prefix());
  }
}
