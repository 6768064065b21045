package io.emotionstream.demo;

import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.classifier.LiveLearning;
import io.emotionstream.classifier.PromotionSettings;
import io.emotionstream.control.CommandSender;
import io.emotionstream.control.Commands;
import io.emotionstream.control.ModelNames;
import io.emotionstream.data.Fer2013Reader;
import io.emotionstream.data.SplitRule;
import io.emotionstream.data.SyntheticDataset;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.monitor.DashboardServer;
import io.emotionstream.monitor.DashboardSettings;
import io.emotionstream.monitor.StartPosition;
import io.emotionstream.producer.FrameInput;
import io.emotionstream.producer.FrameProducer;
import io.emotionstream.producer.FrameSource;
import io.emotionstream.producer.ProduceSummary;
import io.emotionstream.producer.RatePacer;
import io.emotionstream.producer.SyntheticFrames;
import io.emotionstream.producer.TrainingProducer;
import io.emotionstream.producer.video.DetectionSettings;
import io.emotionstream.producer.video.ScenePublishing;
import io.emotionstream.producer.video.VideoProducer;
import io.emotionstream.producer.video.VideoSettings;
import io.emotionstream.producer.video.VideoSourceException;
import io.emotionstream.producer.video.VideoSummary;
import io.emotionstream.trainer.DriftRetraining;
import io.emotionstream.trainer.TrainerService;
import io.emotionstream.trainer.TrainerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole system on one machine: broker and registry, trainer, classifier; a data set streamed
 * into the training topic, a RETRAIN, live frames while the model learns, and a summary at the end.
 * Every part is the real one, composed here and closed in reverse order.
 */
public final class Demo {
  static final int PROMOTION_MIN_FRAMES = 50;
  private static final double DRIFT_POINTS = 10;

  /**
   * Long enough for the frames of the drift to be a sizeable share of what the fine-tuning learns
   * from.
   */
  private static final Duration DRIFT_SUSTAINED = Duration.ofSeconds(60);

  private static final int FINE_TUNE_EPOCHS = 4;

  /** How long the first model's accuracy is shown steady before the frames drift. */
  private static final Duration STEADY_BEFORE_DRIFT = Duration.ofSeconds(20);

  /** How long the frames go on once a version retrained on them serves, so its accuracy is seen. */
  private static final Duration SHOWN_AFTER_RECOVERY = Duration.ofSeconds(40);

  private final DemoSettings settings;
  private final Consumer<String> out;
  private final CountDownLatch stop = new CountDownLatch(1);

  public Demo(DemoSettings settings, Consumer<String> out) {
    this.settings = settings;
    this.out = out;
  }

  /** Ends the demo early (Ctrl-C): frames stop, the counts settle, the summary follows. */
  public void stop() {
    stop.countDown();
  }

  public DemoSummary run() throws Exception {
    Files.createDirectories(settings.workDirectory());
    out.accept("starting Kafka (KRaft) and the schema registry in this process…");
    try (LocalCluster cluster =
        LocalCluster.start(LocalCluster.Settings.temporary().withPartitions(2))) {
      ConnectionSettings connection = cluster.connection();
      TopicSerdes serdes = TopicSerdes.connect(connection);
      out.accept(
          "Kafka at "
              + connection.bootstrapServers()
              + ", registry at "
              + connection.registryUrl());
      Path csv = trainingData();

      try (DemoWatcher watcher = new DemoWatcher(connection, serdes, out);
          TrainerService trainer = TrainerService.start(connection, serdes, trainerSettings());
          ClassifierService classifier =
              ClassifierService.start(
                  connection,
                  classifierSettings(),
                  new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
          DashboardServer dashboard =
              settings.dashboardPort() < 0
                  ? null
                  : DashboardServer.start(
                      connection,
                      DashboardSettings.defaults(ModelNames.DEFAULT)
                          .withPort(settings.dashboardPort())
                          .withStart(StartPosition.BEGINNING))) {
        if (dashboard != null) {
          out.accept("dashboard at " + dashboard.url());
        }
        long examples = produceTraining(connection, serdes, csv);
        if (!trainer.awaitReady(Duration.ofSeconds(60))) {
          throw new IllegalStateException("the trainer did not start");
        }
        CommandSender.sendOnce(
            connection,
            serdes,
            ModelNames.DEFAULT,
            Commands.retrain()
                .setEpochs(settings.epochs())
                .setBatchSize(settings.batchSize())
                .setLearningRate(settings.learningRate())
                .setSeed(settings.seed())
                .build());
        out.accept(
            String.format(
                Locale.ROOT,
                "sent RETRAIN: %d epochs, batch %d, lr %s; streaming %s for %s",
                settings.epochs(),
                settings.batchSize(),
                settings.learningRate(),
                settings.video() == null
                    ? String.format(
                        Locale.ROOT,
                        "live frames at %.0f/s (%.0f%% labelled)",
                        settings.frameRate(),
                        settings.labelledFraction() * 100)
                    : "the faces of "
                        + settings.video().describe()
                        + " (in real time, with its scenes)",
                settings.duration()));

        long framesSent =
            settings.drift()
                ? streamDriftingFramesUntilRecovered(connection, serdes, watcher)
                : streamFramesUntilDone(connection, serdes);
        out.accept(
            String.format(
                Locale.ROOT,
                "%,d frames sent; waiting for the classifier to account for every one…",
                framesSent));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (watcher.classified() < framesSent && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        watcher.awaitAccuracySettled(
            ClassifierSettings.defaults().accuracyAdvance().plusSeconds(3), Duration.ofSeconds(60));
        DemoSummary summary =
            watcher.summary(examples, framesSent, dashboard == null ? null : dashboard.url());
        return settings.drift() ? summary.withDrift(watcher.timeline()) : summary;
      }
    }
  }

  /**
   * Candidates are judged over fewer frames than the classifier's default, so that the models of a
   * short training run serve as they come (an epoch's checkpoint every few seconds).
   */
  private ClassifierSettings classifierSettings() {
    ClassifierSettings classifier =
        ClassifierSettings.defaults()
            .withStateDirectory(settings.workDirectory().resolve("classifier-state"))
            .withPromotion(PromotionSettings.guarded().withMinFrames(PROMOTION_MIN_FRAMES));
    return settings.drift() ? classifier.withLiveLearning(LiveLearning.on()) : classifier;
  }

  /**
   * With drift, the trainer's policy fine-tunes once the served model's rolling accuracy has stayed
   * 10 points below its validation accuracy for a while; not again within the run.
   */
  private TrainerSettings trainerSettings() {
    TrainerSettings trainer = TrainerSettings.defaults();
    return settings.drift()
        ? trainer.withDrift(
            DriftRetraining.belowValidation(DRIFT_POINTS)
                .withSustained(DRIFT_SUSTAINED)
                .withCooldown(settings.duration())
                .withMinFrames(DriftTimeline.MIN_FRAMES)
                .withEpochs(FINE_TUNE_EPOCHS))
        : trainer;
  }

  private Path trainingData() throws Exception {
    if (settings.fer2013() != null) {
      out.accept("training data: " + settings.fer2013());
      return settings.fer2013();
    }
    Path csv = settings.workDirectory().resolve("synthetic-faces.csv");
    long rows =
        SyntheticDataset.writeCsv(csv, settings.perClass(), settings.seed(), settings.variation());
    out.accept(
        String.format(
            Locale.ROOT,
            "training data: %,d synthetic faces (%d per emotion) in %s",
            rows,
            settings.perClass(),
            csv));
    return csv;
  }

  private long produceTraining(ConnectionSettings connection, TopicSerdes serdes, Path csv)
      throws Exception {
    try (Fer2013Reader reader = Fer2013Reader.open(csv, SplitRule.seedRule());
        TrainingProducer producer = new TrainingProducer(connection, serdes)) {
      ProduceSummary summary = producer.send(reader, RatePacer.unlimited(), n -> {});
      out.accept(
          "produce training: "
              + summary.describe("rows")
              + " -> "
              + connection.topics().training());
      return summary.sent();
    }
  }

  private long streamFramesUntilDone(ConnectionSettings connection, TopicSerdes serdes)
      throws Exception {
    return settings.video() == null
        ? streamSyntheticFramesUntilDone(connection, serdes)
        : streamVideoUntilDone(connection, serdes);
  }

  /**
   * The video's faces in real time, a file looped and a stream reconnected, its scenes published
   * for the live picture.
   */
  private long streamVideoUntilDone(ConnectionSettings connection, TopicSerdes serdes)
      throws Exception {
    // One detection thread: face search could take every core, and the model must learn meanwhile.
    // Frames
    // the search cannot keep up with are dropped, as from any live source.
    VideoSettings video =
        VideoSettings.of(settings.video())
            .withLoop(true)
            .withReconnect(true)
            .withDetection(DetectionSettings.seed().withThreads(1))
            .withScenes(ScenePublishing.every(0));
    try (VideoProducer producer = new VideoProducer(connection, serdes)) {
      CompletableFuture<VideoSummary> sending =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return producer.stream(video, "demo-video", n -> {});
                } catch (VideoSourceException e) {
                  throw new CompletionException(e);
                }
              });
      stop.await(settings.duration().toMillis(), TimeUnit.MILLISECONDS);
      stop.countDown();
      producer.stop();
      VideoSummary summary;
      try {
        summary = sending.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
      out.accept("video: " + summary.describe());
      return summary.facesSent();
    }
  }

  private long streamSyntheticFramesUntilDone(ConnectionSettings connection, TopicSerdes serdes)
      throws Exception {
    FrameSource frames =
        new UntilStopped(
            new SyntheticFrames(
                settings.seed() + 1, settings.labelledFraction(), settings.variation()));
    CompletableFuture<ProduceSummary> sending =
        CompletableFuture.supplyAsync(
            () -> {
              try (FrameProducer producer = new FrameProducer(connection, serdes)) {
                return producer.send(
                    frames, "demo-camera", RatePacer.perSecond(settings.frameRate()), 0, n -> {});
              }
            });
    stop.await(settings.duration().toMillis(), TimeUnit.MILLISECONDS);
    stop.countDown();
    return sending.get().sent();
  }

  /**
   * Live frames like the training faces until the first training run has ended and its model
   * serves, then a while longer for a steady accuracy; then the frames drift, and they go on until
   * a version retrained on them serves, and a while longer to show its accuracy. The demo's
   * duration bounds the whole.
   */
  private long streamDriftingFramesUntilRecovered(
      ConnectionSettings connection, TopicSerdes serdes, DemoWatcher watcher) throws Exception {
    long deadline = System.nanoTime() + settings.duration().toNanos();
    DriftingFrames drifting =
        new DriftingFrames(settings.seed() + 1, settings.labelledFraction(), settings.variation());
    FrameSource frames = new UntilStopped(drifting);
    CompletableFuture<ProduceSummary> sending =
        CompletableFuture.supplyAsync(
            () -> {
              try (FrameProducer producer = new FrameProducer(connection, serdes)) {
                return producer.send(
                    frames, "demo-camera", RatePacer.perSecond(settings.frameRate()), 0, n -> {});
              }
            });
    if (awaitUntil(() -> watcher.runsFinished() > 0 && watcher.settledVersion() > 0, deadline)
        && !stop.await(STEADY_BEFORE_DRIFT.toMillis(), TimeUnit.MILLISECONDS)) {
      drifting.drift();
      watcher.driftStarted();
      if (awaitUntil(watcher::recovered, deadline)) {
        stop.await(
            Math.min(SHOWN_AFTER_RECOVERY.toNanos(), Math.max(0, deadline - System.nanoTime())),
            TimeUnit.NANOSECONDS);
      }
    }
    stop.countDown();
    return sending.get().sent();
  }

  /**
   * Waits until the condition holds, the deadline passes or the demo is stopped; whether it holds.
   */
  private boolean awaitUntil(java.util.function.BooleanSupplier condition, long deadline)
      throws InterruptedException {
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() >= deadline || stop.await(200, TimeUnit.MILLISECONDS)) {
        return false;
      }
    }
    return true;
  }

  /** The frame source, ending when the demo is told to stop. */
  private final class UntilStopped implements FrameSource {
    private final FrameSource frames;

    UntilStopped(FrameSource frames) {
      this.frames = frames;
    }

    @Override
    public boolean hasNext() {
      return stop.getCount() > 0 && frames.hasNext();
    }

    @Override
    public FrameInput next() {
      return frames.next();
    }

    @Override
    public void close() throws java.io.IOException {
      frames.close();
    }
  }
}
