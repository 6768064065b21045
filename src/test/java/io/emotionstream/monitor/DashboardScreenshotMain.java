package io.emotionstream.monitor;

import static io.emotionstream.monitor.MonitorRecords.accuracy;
import static io.emotionstream.monitor.MonitorRecords.checkpoint;
import static io.emotionstream.monitor.MonitorRecords.event;
import static io.emotionstream.monitor.MonitorRecords.frame;
import static io.emotionstream.monitor.MonitorRecords.publish;
import static io.emotionstream.monitor.MonitorRecords.status;
import static org.awaitility.Awaitility.await;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.ModelNames;
import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.testing.HeadlessChromium;
import io.emotionstream.testing.ServingRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes docs/dashboard.png: a local cluster, a dashboard reading it, records as a trainer and a
 * classifier would write them during a run, and a headless Chromium screenshot of the page. Run:
 * {@code java -cp target/classes:target/test-classes:$(deps)
 * io.emotionstream.monitor.DashboardScreenshotMain docs/dashboard.png}
 */
public final class DashboardScreenshotMain {
  private DashboardScreenshotMain() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/dashboard.png");
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.Settings.temporary());
        DashboardServer dashboard =
            DashboardServer.start(
                cluster.connection(), DashboardSettings.defaults(ModelNames.DEFAULT).withPort(0));
        HeadlessChromium browser = HeadlessChromium.start(1400, 2130)) {
      browser.navigate(dashboard.url());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  browser
                      .evaluate("document.getElementById('connection')?.textContent")
                      .asText()
                      .equals("live"));
      publishARun(cluster.connection());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  browser
                          .evaluate(
                              "Array.from(document.querySelectorAll('#frames img')).filter(i => i.complete && i.naturalWidth > 0).length")
                          .asInt()
                      == 16);
      Thread.sleep(1500); // one more snapshot, so the header clock and the charts have settled
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.write(target, browser.screenshotPng());
      System.out.println("wrote " + target);
    }
  }

  private static void publishARun(ConnectionSettings connection) {
    TopicSerdes serdes = TopicSerdes.connect(connection);
    Instant now = Instant.now();
    Random random = new Random(11);

    publish(
        connection,
        connection.topics().checkpoints(),
        serdes.checkpoints().serializer(),
        List.of(checkpoint("deep-emotion", 3, 0.612, now.minusSeconds(150))),
        c -> c.getModelName());

    ModelCheckpoint v1 = ServingRecords.checkpoint(1, 0.431);
    ModelCheckpoint v2 = ServingRecords.checkpoint(2, 0.557);
    ModelCheckpoint v3 = ServingRecords.checkpoint(3, 0.612);
    ServingRecords.publish(
        connection,
        serdes,
        ServingRecords.decision(
                ServingDecision.FIRST_MODEL,
                v1,
                "version 1 is the first checkpoint",
                now.minusSeconds(430))
            .build(),
        ServingRecords.decision(
                ServingDecision.CANDIDATE,
                v1,
                "version 2 is scored in shadow beside version 1",
                now.minusSeconds(320))
            .setCandidateVersion(2L)
            .build(),
        ServingRecords.decision(
                ServingDecision.PROMOTED,
                v2,
                "version 2 promoted: over 200 labelled frames version 2 "
                    + "has accuracy 0.545 and version 1 0.425 on the same frames: not worse beyond the margin of 2 points",
                now.minusSeconds(305))
            .setPrevious(v1)
            .setComparedFrames(200)
            .setCandidateAccuracy(0.545)
            .setServingAccuracy(0.425)
            .build(),
        ServingRecords.decision(
                ServingDecision.CANDIDATE,
                v2,
                "version 3 is scored in shadow beside version 2",
                now.minusSeconds(220))
            .setPrevious(v1)
            .setCandidateVersion(3L)
            .build(),
        ServingRecords.decision(
                ServingDecision.PROMOTED,
                v3,
                "version 3 promoted: over 200 labelled frames version 3 "
                    + "has accuracy 0.630 and version 2 0.550 on the same frames: not worse beyond the margin of 2 points",
                now.minusSeconds(205))
            .setPrevious(v2)
            .setComparedFrames(200)
            .setCandidateAccuracy(0.630)
            .setServingAccuracy(0.550)
            .build());

    List<TrainingStatus> statuses = new ArrayList<>();
    statuses.add(
        status("run-2026-11-26-a", RunState.STARTED, 0, 12, null, null, now.minusSeconds(300)));
    for (int epoch = 1; epoch <= 9; epoch++) {
      double loss = 1.85 * Math.exp(-epoch / 4.5) + 0.55 + random.nextGaussian() * 0.02;
      double accuracyValue = 0.72 - 0.5 * Math.exp(-epoch / 3.5) + random.nextGaussian() * 0.01;
      statuses.add(
          status(
              "run-2026-11-26-a",
              RunState.EPOCH_COMPLETED,
              epoch,
              12,
              loss,
              accuracyValue,
              now.minusSeconds(300 - epoch * 30L)));
    }
    publish(
        connection,
        connection.topics().trainerStatus(),
        serdes.trainingStatuses().serializer(),
        statuses,
        s -> s.getRunId());

    List<AccuracyReport> reports = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Instant start = now.minusSeconds(420 - i * 10L);
      long version = i < 12 ? 1 : i < 22 ? 2 : 3;
      double level = version == 1 ? 0.42 : version == 2 ? 0.55 : 0.63;
      long total = 120 + random.nextInt(40);
      long correct = Math.round(total * (level + random.nextGaussian() * 0.02));
      reports.add(accuracy(version, start, total, correct));
    }
    publish(
        connection,
        connection.topics().accuracy(),
        serdes.accuracyReports().serializer(),
        reports,
        r -> String.valueOf(r.getModelVersion()));

    double[] weights = {0.12, 0.03, 0.10, 0.28, 0.14, 0.11, 0.22};
    List<FaceFrame> frames = new ArrayList<>();
    List<EmotionEvent> events = new ArrayList<>();
    for (int i = 0; i < 180; i++) {
      Emotion truth = draw(weights, random);
      boolean right = random.nextDouble() < 0.63;
      Emotion predicted = right ? truth : Emotion.values()[random.nextInt(7)];
      String id = "cam-1-" + i;
      frames.add(frame(id, 48, 48, SyntheticFaces.face(truth, SyntheticFaces.faceRandom(5, i))));
      events.add(
          event(
              id,
              predicted,
              0.45f + random.nextFloat() * 0.5f,
              3,
              now.minusMillis((180 - i) * 300L),
              truth));
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

  private static Emotion draw(double[] weights, Random random) {
    double x = random.nextDouble();
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return Emotion.values()[i];
      }
    }
    return Emotion.NEUTRAL;
  }
}
