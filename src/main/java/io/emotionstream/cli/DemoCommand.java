package io.emotionstream.cli;

import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.demo.Demo;
import io.emotionstream.demo.DemoSettings;
import io.emotionstream.demo.DemoSummary;
import io.emotionstream.producer.video.VideoSourceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "The whole system on this machine: Kafka and the registry, the trainer and the classifier; "
            + "streams a data set, retrains, classifies live frames, then prints a summary.")
public final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description =
          "How long live frames stream (default 3m; with --drift, the longest the run may take, default "
              + "15m); Ctrl-C ends it earlier.")
  Duration duration;

  @Option(
      names = "--video",
      paramLabel = "FILE|URL",
      description =
          "Stream the faces found in this video file (looped) or stream (rtsp://…, reconnected), in real "
              + "time, instead of synthetic frames; the dashboard shows it annotated.")
  String video;

  @Option(
      names = "--fer2013",
      paramLabel = "FILE",
      converter = InputPath.File.class,
      description = "Train on this FER2013 CSV instead of synthetic faces.")
  Path fer2013;

  @Option(
      names = "--per-class",
      defaultValue = "600",
      description = "Synthetic faces per emotion (default ${DEFAULT-VALUE}).")
  int perClass;

  @Option(
      names = "--variation",
      defaultValue = "mild",
      paramLabel = "none|mild|full",
      converter = VariationConverter.class,
      description = VariationConverter.DESCRIPTION)
  SyntheticFaces.Variation variation;

  @Option(
      names = "--epochs",
      defaultValue = "12",
      description = "Epochs of the retraining (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "64",
      description = "Training batch size (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--lr",
      defaultValue = "0.002",
      description = "Learning rate (default ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(
      names = "--frame-rate",
      defaultValue = "20",
      description = "Live frames per second (default ${DEFAULT-VALUE}).")
  double frameRate;

  @Option(
      names = "--labelled-fraction",
      description =
          "Share of live frames carrying their true emotion (default 0.5; with --drift 1: the fine-tuning "
              + "learns from them, and a thousand or more drifted faces make it recover clearly).")
  Double labelledFraction;

  @Option(
      names = "--dashboard-port",
      defaultValue = "8080",
      description =
          "Dashboard port on localhost; 0 for a free one, -1 for none (default ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(
      names = "--work-dir",
      defaultValue = "data/demo",
      description = "Where the demo writes its files (default ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of data, training and frames (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--drift",
      description =
          "Midway the live frames change (pose, lighting, quality, occlusion): rolling accuracy drops, the "
              + "trainer's drift policy retrains on the labelled live frames, the new version is scored in shadow and "
              + "promoted, accuracy recovers; the summary shows the timeline. Runs until the loop closes.")
  boolean drift;

  @Override
  public Integer call() throws Exception {
    if (duration == null) {
      duration = drift ? Duration.ofMinutes(15) : Duration.ofMinutes(3);
    }
    if (labelledFraction == null) {
      labelledFraction = drift ? 1.0 : 0.5;
    }
    Demo demo =
        new Demo(
            new DemoSettings(
                duration,
                fer2013,
                perClass,
                variation,
                epochs,
                batchSize,
                learningRate,
                frameRate,
                labelledFraction,
                dashboardPort,
                workDir,
                seed,
                video == null ? null : VideoSourceSpec.of(video, null, Map.of()),
                drift),
            System.out::println);
    CountDownLatch finished = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  demo.stop();
                  try {
                    finished.await(
                        60, TimeUnit.SECONDS); // let the services close cleanly before the JVM ends
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "demo-shutdown"));
    try {
      DemoSummary summary = demo.run();
      System.out.println(summary.describe());
      return summary.succeeded() ? 0 : 1;
    } finally {
      finished.countDown();
    }
  }
}
