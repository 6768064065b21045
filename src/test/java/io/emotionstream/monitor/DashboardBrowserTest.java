package io.emotionstream.monitor;

import static io.emotionstream.monitor.MonitorRecords.accuracy;
import static io.emotionstream.monitor.MonitorRecords.checkpoint;
import static io.emotionstream.monitor.MonitorRecords.event;
import static io.emotionstream.monitor.MonitorRecords.frame;
import static io.emotionstream.monitor.MonitorRecords.publish;
import static io.emotionstream.monitor.MonitorRecords.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.ModelNames;
import io.emotionstream.data.Region;
import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.HeadlessChromium;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SceneRecords;
import io.emotionstream.testing.TestVideos;
import io.emotionstream.testing.TopicRecords;
import io.emotionstream.watch.SceneAnnotator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The dashboard page in a real headless Chromium, updated live from a real broker. */
@IntegrationTest
class DashboardBrowserTest {

  @Test
  void thePageShowsRecordsWrittenWhileItIsOpenAndDrawsThemInItsCharts() throws Exception {
    assumeTrue(
        HeadlessChromium.isInstalled(),
        "needs Debian's chromium at " + HeadlessChromium.EXECUTABLE);
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.Settings.temporary())) {
      ConnectionSettings connection = FreshTopics.on(cluster);
      try (DashboardServer dashboard =
              DashboardServer.start(
                  connection, DashboardSettings.defaults(ModelNames.DEFAULT).withPort(0));
          HeadlessChromium browser = HeadlessChromium.start(1400, 1700)) {
        openLive(browser, dashboard);
        assertEquals(
            "no checkpoint yet",
            browser.evaluate("document.getElementById('model-version').textContent").asText());

        publishActivity(connection);

        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    browser
                        .evaluate("document.querySelector('#accuracy-table tbody').textContent")
                        .asText()
                        .contains("81.3%"));
        assertEquals(
            "deep-emotion v2",
            browser.evaluate("document.getElementById('model-version').textContent").asText());
        // The thumbnail of the frame written while the page was open, loaded as a 48x48 PNG.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    browser
                        .evaluate(
                            "(() => { const img = document.querySelector('.frame[data-frame-id=\"browser-frame-0\"] img');"
                                + " return img !== null && img.complete && img.naturalWidth === 48; })()")
                        .asBoolean());
        assertTrue(
            browser
                .evaluate("document.getElementById('frames').textContent")
                .asText()
                .contains("surprise 87.5%"));
        assertEquals(
            "run-b EPOCH_COMPLETED 3/5",
            browser
                .evaluate(
                    "Array.from(document.querySelectorAll('#runs-table tbody tr:first-child td')).slice(0, 3)"
                        + ".map(td => td.textContent).join(' ')")
                .asText());

        // Chart.js drew the data: the charts exist and hold it, and their canvases carry its
        // colours.
        assertEquals(
            3,
            browser.evaluate("Chart.getChart('loss-chart').data.datasets[0].data.length").asInt());
        assertEquals(
            4,
            browser
                .evaluate("Chart.getChart('distribution-chart').data.datasets[0].data[5]")
                .asInt());
        assertTrue(
            pixelsOfColour(browser, "distribution-chart", 0xdb, 0x27, 0x77) > 100,
            "surprise bar drawn");
        assertTrue(
            pixelsOfColour(browser, "loss-chart", 0x25, 0x63, 0xeb) > 20, "train loss line drawn");
        assertTrue(
            pixelsOfColour(browser, "accuracy-chart", 0x25, 0x63, 0xeb) > 5,
            "accuracy points drawn");

        // The retrain form, filled in and submitted as a user would: one RETRAIN command reaches
        // the topic.
        browser.evaluate(
            "(() => { const f = document.getElementById('retrain-form');"
                + " f.epochs.value = '4'; f.learningRate.value = '0.002'; f.optimizer.value = 'rmsprop';"
                + " f.mode.value = 'fine-tune'; f.querySelector('button').click(); })()");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    browser
                        .evaluate("document.getElementById('retrain-result').textContent")
                        .asText()
                        .startsWith("sent RETRAIN "));
        TopicSerdes serdes = TopicSerdes.connect(connection);
        ControlCommand command =
            TopicRecords.readAtLeast(
                    connection,
                    connection.topics().control(),
                    serdes.keys().deserializer(),
                    serdes.commands().deserializer(),
                    1)
                .get(0)
                .value();
        assertTrue(
            browser
                .evaluate("document.getElementById('retrain-result').textContent")
                .asText()
                .contains(command.getCommandId()));
        assertEquals(4, command.getEpochs());
        assertEquals(0.002, command.getLearningRate(), 1e-12);
        assertEquals("rmsprop", command.getOptimizer());
        assertEquals(TrainingMode.FINE_TUNE, command.getMode());
        assertEquals(null, command.getBatchSize(), "left empty: the trainer's default");

        Path screenshot = Path.of("target", "dashboard-browser-test.png");
        Files.write(screenshot, browser.screenshotPng());
      }
    }
  }

  @Test
  void theLiveVideoPanelShowsASourcesAnnotatedPictureAndFollowsItLive() throws Exception {
    assumeTrue(
        HeadlessChromium.isInstalled(),
        "needs Debian's chromium at " + HeadlessChromium.EXECUTABLE);
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.Settings.temporary())) {
      ConnectionSettings connection = FreshTopics.on(cluster);
      TopicSerdes serdes = TopicSerdes.connect(connection);
      try (DashboardServer dashboard =
              DashboardServer.start(
                  connection, DashboardSettings.defaults(ModelNames.DEFAULT).withPort(0));
          HeadlessChromium browser = HeadlessChromium.start(1400, 1200)) {
        openLive(browser, dashboard);
        assertTrue(
            browser.evaluate("document.getElementById('video-card').hidden").asBoolean(),
            "no source has scenes yet: no panel");

        SceneRecords.publishVideoFrame(connection, serdes, "cam-1", 0, 10, Emotion.SAD, 0.8f);
        String image = "document.querySelector('#videos figure[data-source-id=\"cam-1\"] img')";
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    browser
                        .evaluate(
                            "(() => { const img = "
                                + image
                                + "; return img !== null && img.naturalWidth === 640"
                                + " && img.naturalHeight === 480; })()")
                        .asBoolean());
        assertEquals(
            false, browser.evaluate("document.getElementById('video-card').hidden").asBoolean());
        assertTrue(browser.evaluate(image + ".src").asText().endsWith("/video/cam-1.mjpg"));
        String caption =
            browser.evaluate("document.querySelector('#videos figcaption').textContent").asText();
        assertTrue(caption.startsWith("cam-1 · frame 0") && caption.endsWith("sad 80%"), caption);
        assertTrue(
            shows(browser, image, 0, Emotion.SAD),
            "the box as drawn, in the picture the browser shows");

        // The next frame reaches the same <img> through its MJPEG stream: no reload, no new
        // request.
        SceneRecords.publishVideoFrame(connection, serdes, "cam-1", 1, 10, Emotion.HAPPY, 0.9f);
        await().atMost(Duration.ofSeconds(30)).until(() -> shows(browser, image, 1, Emotion.HAPPY));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    browser
                        .evaluate("document.querySelector('#videos figcaption').textContent")
                        .asText()
                        .endsWith("happy 90%"));
        assertEquals(
            1, browser.evaluate("document.querySelectorAll('#videos figure').length").asInt());
        Files.write(Path.of("target", "dashboard-live-video-test.png"), browser.screenshotPng());
      }
    }
  }

  /**
   * Whether the picture the browser shows has frame {@code index}'s box in the emotion's colour,
   * read off a canvas.
   */
  private static boolean shows(HeadlessChromium browser, String image, int index, Emotion emotion) {
    Region face = TestVideos.face(index, 10);
    java.awt.Color colour = SceneAnnotator.colour(emotion);
    return browser
        .evaluate(
            "(() => { const img = "
                + image
                + "; const c = document.createElement('canvas');"
                + " c.width = img.naturalWidth; c.height = img.naturalHeight; const g = c.getContext('2d');"
                + " g.drawImage(img, 0, 0); const d = g.getImageData("
                + (face.x() - 2)
                + ", "
                + (face.y() + face.height() / 2)
                + ", 5, 1).data;"
                + " for (let i = 0; i < d.length; i += 4) {"
                + "   if (Math.abs(d[i] - "
                + colour.getRed()
                + ") < 60 && Math.abs(d[i + 1] - "
                + colour.getGreen()
                + ") < 60"
                + "       && Math.abs(d[i + 2] - "
                + colour.getBlue()
                + ") < 60) return true; }"
                + " return false; })()")
        .asBoolean();
  }

  /** Opens the dashboard and waits until its event stream is live. */
  static void openLive(HeadlessChromium browser, DashboardServer dashboard) {
    browser.navigate(dashboard.url());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                browser
                    .evaluate("document.getElementById('connection')?.textContent")
                    .asText()
                    .equals("live"));
  }

  /**
   * Writes a small but complete picture of a running system: checkpoint, three epochs, accuracy,
   * frames.
   */
  static void publishActivity(ConnectionSettings connection) {
    TopicSerdes serdes = TopicSerdes.connect(connection);
    Instant now = Instant.now();
    publish(
        connection,
        connection.topics().checkpoints(),
        serdes.checkpoints().serializer(),
        List.of(checkpoint("deep-emotion", 2, 0.64, now)),
        c -> c.getModelName());
    List<TrainingStatus> statuses =
        List.of(
            status("run-b", RunState.STARTED, 0, 5, null, null, now.minusSeconds(40)),
            status("run-b", RunState.EPOCH_COMPLETED, 1, 5, 1.61, 0.38, now.minusSeconds(30)),
            status("run-b", RunState.EPOCH_COMPLETED, 2, 5, 1.22, 0.52, now.minusSeconds(20)),
            status("run-b", RunState.EPOCH_COMPLETED, 3, 5, 0.97, 0.63, now.minusSeconds(10)));
    publish(
        connection,
        connection.topics().trainerStatus(),
        serdes.trainingStatuses().serializer(),
        statuses,
        s -> s.getRunId());
    publish(
        connection,
        connection.topics().accuracy(),
        serdes.accuracyReports().serializer(),
        List.of(
            accuracy(1, now.minusSeconds(80), 100, 52),
            accuracy(1, now.minusSeconds(70), 100, 55),
            accuracy(2, now.minusSeconds(60), 64, 48),
            accuracy(2, now.minusSeconds(50), 64, 52)),
        r -> String.valueOf(r.getModelVersion()));
    Emotion[] shown = {
      Emotion.SURPRISE,
      Emotion.HAPPY,
      Emotion.SURPRISE,
      Emotion.SAD,
      Emotion.SURPRISE,
      Emotion.NEUTRAL,
      Emotion.SURPRISE,
      Emotion.ANGRY
    };
    var frames = new java.util.ArrayList<io.emotionstream.avro.FaceFrame>();
    var events = new java.util.ArrayList<io.emotionstream.avro.EmotionEvent>();
    for (int i = 0; i < shown.length; i++) {
      String id = "browser-frame-" + i;
      frames.add(frame(id, 48, 48, SyntheticFaces.face(shown[i], new Random(i))));
      events.add(
          event(id, shown[i], 0.875f - i * 0.03f, 2, now, i % 3 == 1 ? Emotion.FEAR : shown[i]));
    }
    publish(
        connection,
        connection.topics().frames(),
        serdes.frames().serializer(),
        frames,
        f -> f.getSourceId());
    publish(
        connection,
        connection.topics().events(),
        serdes.events().serializer(),
        events,
        e -> e.getSourceId());
  }

  private static int pixelsOfColour(
      HeadlessChromium browser, String canvasId, int r, int g, int b) {
    return browser
        .evaluate(
            "(() => { const c = document.getElementById('"
                + canvasId
                + "');"
                + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + " for (let i = 0; i < d.length; i += 4) {"
                + "   if (d[i + 3] > 200 && Math.abs(d[i] - "
                + r
                + ") < 12 && Math.abs(d[i + 1] - "
                + g
                + ") < 12"
                + "       && Math.abs(d[i + 2] - "
                + b
                + ") < 12) n++; }"
                + " return n; })()")
        .asInt();
  }
}
