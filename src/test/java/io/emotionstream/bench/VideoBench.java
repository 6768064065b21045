package io.emotionstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.data.Region;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.producer.video.DetectionSettings;
import io.emotionstream.producer.video.Pacing;
import io.emotionstream.producer.video.VideoProducer;
import io.emotionstream.producer.video.VideoSettings;
import io.emotionstream.producer.video.VideoSourceSpec;
import io.emotionstream.producer.video.VideoSummary;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TestVideos;
import io.emotionstream.testing.TopicRecords;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code scripts/bench video}: decode, detect, crop and produce at 640x480 from one H.264 file,
 * beside the seed's pipeline in Python OpenCV (VideoCapture, cvtColor, detectMultiScale(gray, 1.1,
 * 4), resize to 48x48) run on the same file with the same cascade, round by round; and whether both
 * found the same faces. Then the file played in real time at 30 frames/s, as a webcam, while the
 * classifier runs.
 */
public final class VideoBench {
  private static final String PYTHON = "/usr/bin/python3";
  private static final double FRAME_RATE = 30;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int queue = args.length > 2 ? Integer.parseInt(args[2]) : VideoSettings.DEFAULT_QUEUE;
    int frames = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    Path work = Files.createDirectories(Path.of("target", "bench-video"));
    TestVideos.Video video =
        TestVideos.write(work, "astronaut-640x480", TestVideos.Codec.H264, frames, FRAME_RATE);
    Path cascade = work.resolve(DetectionSettings.DEFAULT_CASCADE + ".xml");
    try (InputStream in =
        VideoBench.class
            .getClassLoader()
            .getResourceAsStream(
                "org/bytedeco/opencv/linux-x86_64/share/opencv4/haarcascades/"
                    + DetectionSettings.DEFAULT_CASCADE
                    + ".xml")) {
      Files.copy(in, cascade, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    System.out.printf(
        "video: %s, %d frames 640x480 H.264 at %.0f frames/s; cascade %s; python: %s%n",
        video.file(), frames, FRAME_RATE, DetectionSettings.DEFAULT_CASCADE, pythonVersion());

    try (LocalCluster cluster = LocalCluster.start(LocalCluster.Settings.temporary())) {
      TopicSerdes serdes = TopicSerdes.connect(cluster.connection());
      if (rounds > 0) {
        compare(cluster, serdes, video, cascade, rounds);
      }
      live(cluster, serdes, video, queue);
    }
  }

  /** Ours beside the seed's pipeline, round by round, with the faces each found. */
  private static void compare(
      LocalCluster cluster, TopicSerdes serdes, TestVideos.Video video, Path cascade, int rounds)
      throws Exception {
    // Warm up: the JIT, JavaCPP's unpacked natives, the registry's schema ids, the page cache.
    oursOnce(cluster, serdes, video);
    python(video, cascade, false);

    List<Double> ratios = new ArrayList<>();
    List<Double> sameWorkRatios = new ArrayList<>();
    Agreement agreement = null;
    for (int round = 1; round <= rounds; round++) {
      Ours ours = oursOnce(cluster, serdes, video);
      Python seed = python(video, cascade, false);
      Python sameWork = python(video, cascade, true);
      double ratio = ours.scenesPerSecond() / seed.scenesPerSecond();
      double sameWorkRatio = ours.scenesPerSecond() / sameWork.scenesPerSecond();
      ratios.add(ratio);
      sameWorkRatios.add(sameWorkRatio);
      agreement = Agreement.of(seed.boxes(), ours.boxes());
      System.out.printf(
          "round %d: ours %,.1f scene frames/s (%,d faces sent) | seed pipeline in Python %,.1f "
              + "(%,d faces) -> %.2fx | Python searching the same shrunk copy as ours %,.1f -> %.2fx%n",
          round,
          ours.scenesPerSecond(),
          ours.facesSent(),
          seed.scenesPerSecond(),
          seed.faces(),
          ratio,
          sameWork.scenesPerSecond(),
          sameWorkRatio);
    }
    System.out.printf(
        "median ratio to the seed's Python pipeline: %.2fx (goal >= 1.5); to Python doing our work: %.2fx%n",
        Median.of(ratios), Median.of(sameWorkRatios));
    System.out.println("same faces: " + agreement);
    System.out.println(
        "true face (from the video's geometry) found by ours in "
            + trueFaceFound(video, oursOnce(cluster, serdes, video).boxes())
            + " of "
            + video.faces().size()
            + " frames");
  }

  private record Ours(double scenesPerSecond, long facesSent, Map<Long, List<Region>> boxes) {}

  private record Python(double scenesPerSecond, long faces, Map<Long, List<Region>> boxes) {}

  private static Ours oursOnce(LocalCluster cluster, TopicSerdes serdes, TestVideos.Video video)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(cluster);
    VideoSummary summary;
    try (VideoProducer producer = new VideoProducer(connection, serdes)) {
      summary =
          producer.stream(
              VideoSettings.of(VideoSourceSpec.of(video.file().toString(), null, Map.of()))
                  .withPacing(Pacing.asFastAsPossible()),
              "bench",
              n -> {});
    }
    Map<Long, List<Region>> boxes = new HashMap<>();
    for (ConsumerRecord<String, FaceFrame> record :
        TopicRecords.readAtLeast(
            connection,
            connection.topics().frames(),
            serdes.keys().deserializer(),
            serdes.frames().deserializer(),
            (int) summary.facesSent())) {
      FaceBox box = record.value().getScene().getBox();
      boxes
          .computeIfAbsent(record.value().getScene().getSceneIndex(), i -> new ArrayList<>())
          .add(new Region(box.getX(), box.getY(), box.getWidth(), box.getHeight()));
    }
    return new Ours(summary.scenesPerSecond(), summary.facesSent(), boxes);
  }

  private static Python python(TestVideos.Video video, Path cascade, boolean shrunk)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                PYTHON,
                "scripts/reference/seed_video_pipeline.py",
                video.file().toString(),
                cascade.toString()));
    if (shrunk) {
      command.addAll(List.of("--shrink", "2", "--min-face", "48"));
    }
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(
          "the Python pipeline failed (install python3-opencv): " + out);
    }
    JsonNode result = new ObjectMapper().readTree(out);
    Map<Long, List<Region>> boxes = new HashMap<>();
    long faces = 0;
    JsonNode perFrame = result.get("boxes");
    for (int i = 0; i < perFrame.size(); i++) {
      List<Region> found = new ArrayList<>();
      for (JsonNode box : perFrame.get(i)) {
        found.add(
            new Region(
                box.get(0).asInt(), box.get(1).asInt(), box.get(2).asInt(), box.get(3).asInt()));
      }
      faces += found.size();
      boxes.put((long) i, found);
    }
    return new Python(
        result.get("frames").asInt() / result.get("seconds").asDouble(), faces, boxes);
  }

  /** Faces of one pipeline matched to the other's in the same frame by overlap (IoU >= 0.5). */
  private record Agreement(long seedFaces, long oursFaces, long matched, double meanOverlap) {
    static Agreement of(Map<Long, List<Region>> seed, Map<Long, List<Region>> ours) {
      long seedFaces = 0;
      long oursFaces = 0;
      long matched = 0;
      double overlapSum = 0;
      for (Map.Entry<Long, List<Region>> frame : seed.entrySet()) {
        List<Region> mine = new ArrayList<>(ours.getOrDefault(frame.getKey(), List.of()));
        seedFaces += frame.getValue().size();
        oursFaces += mine.size();
        for (Region theirs : frame.getValue()) {
          Region best =
              mine.stream()
                  .max((a, b) -> Double.compare(a.overlap(theirs), b.overlap(theirs)))
                  .orElse(null);
          if (best != null && best.overlap(theirs) >= 0.5) {
            matched++;
            overlapSum += best.overlap(theirs);
            mine.remove(best);
          }
        }
      }
      return new Agreement(seedFaces, oursFaces, matched, matched == 0 ? 0 : overlapSum / matched);
    }

    @Override
    public String toString() {
      return String.format(
          "the seed pipeline found %,d faces, ours %,d; %,d found by both (IoU >= 0.5, mean IoU %.2f): "
              + "%.1f%% of the seed's, %.1f%% of ours",
          seedFaces,
          oursFaces,
          matched,
          meanOverlap,
          100.0 * matched / seedFaces,
          100.0 * matched / oursFaces);
    }
  }

  private static long trueFaceFound(TestVideos.Video video, Map<Long, List<Region>> ours) {
    long found = 0;
    for (int i = 0; i < video.faces().size(); i++) {
      Region expected = video.faces().get(i);
      if (ours.getOrDefault((long) i, List.of()).stream()
          .anyMatch(box -> TestVideos.sameFace(expected, box))) {
        found++;
      }
    }
    return found;
  }

  /**
   * The file as a webcam: real time, drop-oldest, with the classifier classifying its faces
   * meanwhile. A first pass warms the classifier up (its JIT, its first batches) and is not
   * reported.
   */
  private static void live(
      LocalCluster cluster, TopicSerdes serdes, TestVideos.Video video, int queue)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(cluster);
    TestCheckpoints.publish(connection, serdes, TestCheckpoints.deepEmotion(1, 7));
    try (ClassifierService classifier =
        ClassifierService.start(
            connection,
            ClassifierSettings.defaults()
                .withApplicationId("bench-" + UUID.randomUUID())
                .withStateDirectory(Files.createTempDirectory("video-bench-classifier-")),
            new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS))) {
      // Long enough for the JIT to finish with the broker, the classifier and us: a webcam runs for
      // hours.
      long warmUpFaces = livePass(connection, serdes, video, queue, "warm-up", 4, 0);
      livePass(connection, serdes, video, queue, "measured", 2, warmUpFaces);
    }
  }

  /** Returns the faces it sent. */
  private static long livePass(
      ConnectionSettings connection,
      TopicSerdes serdes,
      TestVideos.Video video,
      int queue,
      String pass,
      int plays,
      long eventsBefore)
      throws Exception {
    VideoSummary summary;
    ThreadCpu before = ThreadCpu.snapshot();
    try (VideoProducer producer = new VideoProducer(connection, serdes)) {
      VideoSettings webcam =
          VideoSettings.of(VideoSourceSpec.of(video.file().toString(), null, Map.of()))
              .withPacing(Pacing.ownRate())
              .withLoop(true)
              .withLimit((long) video.faces().size() * plays);
      summary =
          producer.stream(
              new VideoSettings(
                  webcam.source(),
                  webcam.detection(),
                  webcam.pacing(),
                  1,
                  webcam.limit(),
                  webcam.duration(),
                  false,
                  true,
                  queue,
                  webcam.scenes()),
              "webcam-" + pass,
              n -> {});
    }
    String cpu = ThreadCpu.snapshot().since(before);
    List<EmotionEvent> events =
        TopicRecords.readAtLeast(
                connection,
                connection.topics().events(),
                serdes.keys().deserializer(),
                serdes.events().deserializer(),
                (int) (eventsBefore + summary.facesSent()))
            .stream()
            .map(ConsumerRecord::value)
            .filter(e -> e.getSourceId().equals("webcam-" + pass))
            .toList();
    long[] latency =
        events.stream()
            .mapToLong(
                e -> e.getClassifiedTimeMs().toEpochMilli() - e.getCaptureTimeMs().toEpochMilli())
            .sorted()
            .toArray();
    System.out.printf(
        "live (%s pass, queue %d): the file played %d times as a %.0f frames/s webcam, the classifier running "
            + "in the same process:%n  %s%n  kept up with %.1f%% of the frames (%,d dropped of %,d); %,d of %,d faces classified; "
            + "capture -> classified p50 %d ms, p99 %d ms%n  %s%n",
        pass,
        queue,
        plays,
        FRAME_RATE,
        summary.describe(),
        100.0 * summary.scenesSearched() / summary.scenesRead(),
        summary.scenesDropped(),
        summary.scenesRead(),
        events.size(),
        summary.facesSent(),
        latency.length == 0 ? -1 : latency[latency.length / 2],
        latency.length == 0 ? -1 : latency[(int) Math.ceil(latency.length * 0.99) - 1],
        cpu);
    return summary.facesSent();
  }

  private static String pythonVersion() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                PYTHON,
                "-c",
                "import cv2, sys; print('OpenCV', cv2.__version__, 'Python', "
                    + "sys.version.split()[0], 'threads', cv2.getNumThreads())")
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes()).trim();
    process.waitFor();
    return out;
  }
}
