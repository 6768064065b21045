package io.emotionstream.cli;

import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.classifier.InstanceStateDirectory;
import io.emotionstream.classifier.LiveLearning;
import io.emotionstream.classifier.ProcessingGuarantee;
import io.emotionstream.classifier.PromotionSettings;
import io.emotionstream.control.ModelNames;
import io.emotionstream.metrics.ClassifierMetricFamilies;
import io.emotionstream.metrics.MetricsEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

@Command(
    name = "classifier",
    mixinStandardHelpOptions = true,
    description =
        "Run the Kafka Streams classifier: frames in, emotion events and rolling accuracy out, new "
            + "checkpoints scored in shadow and promoted (--promotion). Start more instances with the same "
            + "--application-id to scale out.")
public final class ClassifierCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Mixin MetricsOptions metricsOptions;

  @Option(
      names = "--application-id",
      defaultValue = ClassifierSettings.DEFAULT_APPLICATION_ID,
      description =
          "Kafka Streams application id; instances sharing it share the frames (default ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--model-name",
      defaultValue = ModelNames.DEFAULT,
      description = "Which model of the checkpoints topic to serve (default ${DEFAULT-VALUE}).")
  String modelName;

  @Option(
      names = "--batch-size",
      defaultValue = "" + ClassifierSettings.DEFAULT_BATCH_SIZE,
      description = "Frames per inference batch at most (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--max-delay-ms",
      defaultValue = "" + ClassifierSettings.DEFAULT_MAX_DELAY_MS,
      description =
          "Longest a frame waits for its batch to fill, ms (default ${DEFAULT-VALUE}: a frame goes to "
              + "inference at once when none is in inference; batches still form from the frames that come meanwhile).")
  long maxDelayMs;

  @Option(
      names = "--accuracy-window",
      defaultValue = ClassifierSettings.DEFAULT_ACCURACY_WINDOW_SECONDS + "s",
      converter = DurationConverter.class,
      description =
          "Rolling accuracy window, a whole number of advances (default ${DEFAULT-VALUE}).")
  Duration accuracyWindow;

  @Option(
      names = "--accuracy-advance",
      defaultValue = ClassifierSettings.DEFAULT_ACCURACY_ADVANCE_SECONDS + "s",
      converter = DurationConverter.class,
      description =
          "How often a new window starts, and how often each window that changed is reported "
              + "(default ${DEFAULT-VALUE}).")
  Duration accuracyAdvance;

  @Option(
      names = "--accuracy-grace",
      defaultValue = ClassifierSettings.DEFAULT_ACCURACY_GRACE_SECONDS + "s",
      converter = DurationConverter.class,
      description = "How late a frame may still count in its window (default ${DEFAULT-VALUE}).")
  Duration accuracyGrace;

  @Option(
      names = "--processing-guarantee",
      defaultValue = "exactly-once",
      paramLabel = "exactly-once|at-least-once",
      converter = GuaranteeConverter.class,
      description =
          "exactly-once: one event per frame, also across crashes, readable at the next commit; "
              + "at-least-once: events readable at once, but a crash repeats the last commit interval's events, "
              + "under the same frame id (default ${DEFAULT-VALUE}).")
  ProcessingGuarantee processingGuarantee;

  @Option(
      names = "--commit-interval-ms",
      description =
          "Commit interval, ms: under exactly-once, events become visible to consumers at each commit; "
              + "under at-least-once, a crash repeats up to this long of events (default "
              + ProcessingGuarantee.EXACTLY_ONCE_COMMIT_MS
              + " under exactly-once, "
              + ProcessingGuarantee.AT_LEAST_ONCE_COMMIT_MS
              + " under at-least-once).")
  Long commitIntervalMs;

  @Option(
      names = "--threads",
      defaultValue = "" + ClassifierSettings.DEFAULT_THREADS,
      description = "Stream threads, one predictor each (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--inference-threads",
      defaultValue = "" + DjlModelLoader.DEFAULT_INFERENCE_THREADS,
      description =
          "Threads libtorch uses for one batch, per stream thread (default ${DEFAULT-VALUE}).")
  int inferenceThreads;

  @Option(
      names = "--state-dir",
      paramLabel = "ROOT",
      defaultValue = "${sys:user.home}/.emotion-stream/state",
      description =
          "Where the instances on this host keep their Kafka Streams state: each takes the first "
              + "ROOT/APPLICATION-ID/instance-N no running instance holds, its own again after a restart "
              + "(default ${DEFAULT-VALUE}).")
  Path stateRoot;

  @Option(
      names = "--promotion",
      defaultValue = "guarded",
      paramLabel = "latest|guarded|manual",
      converter = PolicyConverter.class,
      description =
          "When a new checkpoint serves. latest: at once; guarded: it is first scored in shadow beside the "
              + "served model on labelled frames and promoted when not worse beyond --promotion-margin; manual: scored "
              + "the same way, served on emotion promote (default ${DEFAULT-VALUE}).")
  PromotionPolicy promotionPolicy;

  @Option(
      names = "--promotion-min-frames",
      defaultValue = "" + PromotionSettings.DEFAULT_MIN_FRAMES,
      paramLabel = "N",
      description =
          "Labelled frames both models classify before the guarded policy judges (default ${DEFAULT-VALUE}).")
  int promotionMinFrames;

  @Option(
      names = "--promotion-margin",
      defaultValue = "" + PromotionSettings.DEFAULT_MARGIN,
      paramLabel = "FRACTION",
      description =
          "How much lower the candidate's accuracy may be and still be promoted, as a fraction "
              + "(default ${DEFAULT-VALUE}: 2 points).")
  double promotionMargin;

  @Option(
      names = "--promotion-wait",
      defaultValue = PromotionSettings.DEFAULT_LABEL_WAIT_SECONDS + "s",
      converter = DurationConverter.class,
      description =
          "How long a candidate waits for a labelled frame before validation accuracy decides "
              + "(default ${DEFAULT-VALUE}).")
  Duration promotionWait;

  @Option(
      names = "--learn-from-live",
      description =
          "Append labelled live frames to the training topic (each frame id once), so that fine-tuning "
              + "learns what the cameras see.")
  boolean learnFromLive;

  @Option(
      names = "--live-validation-share",
      defaultValue = "" + LiveLearning.DEFAULT_VALIDATION_SHARE,
      paramLabel = "FRACTION",
      description =
          "Share of the live frames learnt from that is held out as VALIDATION, by frame id "
              + "(default ${DEFAULT-VALUE}).")
  double liveValidationShare;

  @Option(
      names = "--live-dedup-window",
      defaultValue = LiveLearning.DEFAULT_DEDUP_WINDOW_HOURS + "h",
      converter = DurationConverter.class,
      description =
          "How long a frame id is remembered so that a frame sent again is not learnt twice "
              + "(default ${DEFAULT-VALUE}).")
  Duration liveDedupWindow;

  @Override
  public Integer call() throws InterruptedException, IOException {
    ClassifierSettings settings =
        settings(null); // refuses inconsistent options before a directory is claimed
    InstanceStateDirectory state = InstanceStateDirectory.claim(stateRoot, applicationId);
    ClassifierService service;
    try {
      service =
          ClassifierService.start(
              connection.settings(),
              settings.withStateDirectory(state.path()),
              new DjlModelLoader(inferenceThreads));
    } catch (RuntimeException e) {
      state.close();
      throw e;
    }
    Optional<MetricsEndpoint> metrics;
    try {
      metrics = metricsOptions.start(ClassifierMetricFamilies.of(service.metrics()));
    } catch (RuntimeException e) {
      service.close();
      state.close();
      throw e;
    }
    System.out.println(
        "classifier "
            + applicationId
            + " serving model '"
            + modelName
            + "', "
            + processingGuarantee.optionValue()
            + ", promotion "
            + promotionPolicy.name().toLowerCase(java.util.Locale.ROOT)
            + (learnFromLive ? ", learning from labelled live frames" : "")
            + ", state in "
            + state.path());
    return UntilStopped.run(
        "classifier",
        () -> {
          try (state;
              service) {
            metrics.ifPresent(MetricsEndpoint::close);
          }
        },
        service::awaitTermination);
  }

  ClassifierSettings settings(Path stateDirectory) {
    return new ClassifierSettings(
        applicationId,
        modelName,
        batchSize,
        Duration.ofMillis(maxDelayMs),
        accuracyWindow,
        accuracyAdvance,
        accuracyGrace,
        processingGuarantee,
        commitIntervalMs == null
            ? processingGuarantee.defaultCommitInterval()
            : Duration.ofMillis(commitIntervalMs),
        threads,
        stateDirectory,
        new PromotionSettings(promotionPolicy, promotionMinFrames, promotionMargin, promotionWait),
        new LiveLearning(learnFromLive, liveValidationShare, liveDedupWindow));
  }

  static final class PolicyConverter implements ITypeConverter<PromotionPolicy> {
    @Override
    public PromotionPolicy convert(String value) {
      return switch (value) {
        case "latest" -> PromotionPolicy.LATEST;
        case "guarded" -> PromotionPolicy.GUARDED;
        case "manual" -> PromotionPolicy.MANUAL;
        default ->
            throw new TypeConversionException(
                "'" + value + "' is not a promotion policy: use latest, guarded or manual");
      };
    }
  }

  static final class GuaranteeConverter implements ITypeConverter<ProcessingGuarantee> {
    @Override
    public ProcessingGuarantee convert(String value) {
      return ProcessingGuarantee.of(value)
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "'"
                          + value
                          + "' is not a processing guarantee: use exactly-once or at-least-once"));
    }
  }
}
