package io.emotionstream.monitor;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.producer.video.Pacing;
import io.emotionstream.producer.video.ScenePublishing;
import io.emotionstream.producer.video.VideoProducer;
import io.emotionstream.producer.video.VideoSettings;
import io.emotionstream.producer.video.VideoSourceSpec;
import io.emotionstream.testing.HeadlessChromium;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TestVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Makes docs/annotated-view.png: a local cluster, the test video (the astronaut, panned and zoomed)
 * streamed at its own rate by the video producer with its scenes, the real classifier serving a
 * freshly initialised (untrained) checkpoint, the dashboard, and a headless Chromium screenshot of
 * its Live video panel. Run: {@code java -cp target/classes:target/test-classes:$(deps)
 * io.emotionstream.monitor.AnnotatedViewScreenshotMain docs/annotated-view.png}
 */
public final class AnnotatedViewScreenshotMain {
  private static final int FRAMES = 45;

  /**
   * The screenshot's scale: the README shows it narrower than it is anyway, and the PNG stays
   * small.
   */
  private static final double SCALE = 0.85;

  private static final String SOURCE = "camera-1";

  private AnnotatedViewScreenshotMain() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/annotated-view.png");
    Path work = Files.createTempDirectory("annotated-view");
    TestVideos.Video video = TestVideos.write(work, "astronaut", TestVideos.Codec.H264, FRAMES, 15);
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.Settings.temporary());
        DashboardServer dashboard =
            DashboardServer.start(
                cluster.connection(), DashboardSettings.defaults(ModelNames.DEFAULT).withPort(0));
        HeadlessChromium browser = HeadlessChromium.start(1200, 1000)) {
      ConnectionSettings connection = cluster.connection();
      TopicSerdes serdes = TopicSerdes.connect(connection);
      TestCheckpoints.publish(connection, serdes, TestCheckpoints.deepEmotion(1, 11));
      DashboardBrowserTest.openLive(browser, dashboard);

      try (ClassifierService classifier =
              ClassifierService.start(
                  connection,
                  ClassifierSettings.defaults().withStateDirectory(work.resolve("state")),
                  new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
          VideoProducer producer = new VideoProducer(connection, serdes)) {
        producer.stream(
            VideoSettings.of(VideoSourceSpec.of(video.file().toString(), null, Map.of()))
                .withPacing(Pacing.ownRate())
                .withScenes(ScenePublishing.every(0)),
            SOURCE,
            n -> {});
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    browser
                        .evaluate("document.querySelector('#videos figcaption')?.textContent ?? ''")
                        .asText()
                        .startsWith(SOURCE + " · frame " + (FRAMES - 1) + " "));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  browser
                      .evaluate(
                          "(() => { const img = document.querySelector('#videos img'); return img !== null && img.naturalWidth > 0; })()")
                      .asBoolean());
      // The panel, as wide as its title and picture.
      JsonNode card =
          browser.evaluate(
              "(() => { const r = document.getElementById('video-card').getBoundingClientRect();"
                  + " const img = document.querySelector('#videos img').getBoundingClientRect();"
                  + " return {x: r.x + window.scrollX, y: r.y + window.scrollY, width: Math.min(r.width, img.right - r.x + 24),"
                  + " height: r.height}; })()");
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.write(
          target,
          browser.screenshotPng(
              card.get("x").asDouble() - 8,
              card.get("y").asDouble() - 8,
              card.get("width").asDouble() + 16,
              card.get("height").asDouble() + 16,
              SCALE));
      System.out.println("wrote " + target + " (" + Files.size(target) + " bytes)");
    }
  }
}
