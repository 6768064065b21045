package io.emotionstream.cli;

import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.metrics.MetricsEndpoint;
import io.emotionstream.metrics.TrainerMetricFamilies;
import io.emotionstream.trainer.DriftRetraining;
import io.emotionstream.trainer.PublishPolicy;
import io.emotionstream.trainer.TrainerService;
import io.emotionstream.trainer.TrainerSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description =
        "Run the trainer: retrain on commands from the control topic, publish checkpoints and progress; "
            + "optionally retrain by itself when the served model's accuracy drifts down (--retrain-when-below…).")
public final class TrainerCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--model-name",
      defaultValue = ModelNames.DEFAULT,
      paramLabel = "NAME",
      description =
          "Model to train: key of its commands and checkpoints (default ${DEFAULT-VALUE}).")
  String modelName;

  @Option(
      names = "--publish",
      defaultValue = "every",
      paramLabel = "every|best",
      converter = PublishConverter.class,
      description =
          "Publish a checkpoint after every epoch, or only when validation accuracy improves (default ${DEFAULT-VALUE}).")
  PublishPolicy publish;

  @Option(
      names = "--cache-limit",
      defaultValue = "" + TrainerSettings.DEFAULT_CACHE_LIMIT,
      paramLabel = "N",
      description =
          "Training examples kept in memory; past it each epoch streams the topic through a shuffle buffer (default ${DEFAULT-VALUE}).")
  int cacheLimit;

  @Option(
      names = "--shuffle-buffer",
      defaultValue = "" + TrainerSettings.DEFAULT_SHUFFLE_BUFFER,
      paramLabel = "N",
      description = "Faces in the shuffle buffer when streaming (default ${DEFAULT-VALUE}).")
  int shuffleBuffer;

  @Option(
      names = "--retrain-when-below-validation",
      paramLabel = "POINTS",
      description =
          "Retrain by itself (fine-tune) when the served model's rolling accuracy is at least POINTS "
              + "percentage points below its checkpoint's validation accuracy. Off unless given.")
  Double pointsBelowValidation;

  @Option(
      names = "--retrain-when-below",
      paramLabel = "ACCURACY",
      description =
          "Retrain by itself (fine-tune) when the served model's rolling accuracy is below ACCURACY, "
              + "in [0, 1]. Off unless given.")
  Double floor;

  @Option(
      names = "--retrain-sustained",
      converter = DurationConverter.class,
      paramLabel = "D",
      defaultValue = DriftRetraining.DEFAULT_SUSTAINED_SECONDS + "s",
      description =
          "With a --retrain-when-below…: how long the accuracy must stay that low without a break "
              + "(default ${DEFAULT-VALUE}).")
  Duration sustained;

  @Option(
      names = "--retrain-cooldown",
      converter = DurationConverter.class,
      paramLabel = "D",
      defaultValue = DriftRetraining.DEFAULT_COOLDOWN_MINUTES + "m",
      description =
          "With a --retrain-when-below…: after an automatic retraining none for D, across restarts "
              + "(default ${DEFAULT-VALUE}).")
  Duration cooldown;

  @Option(
      names = "--retrain-min-frames",
      paramLabel = "N",
      defaultValue = "" + DriftRetraining.DEFAULT_MIN_FRAMES,
      description =
          "With a --retrain-when-below…: an accuracy report over fewer labelled frames is ignored "
              + "(default ${DEFAULT-VALUE}).")
  long minFrames;

  @Option(
      names = "--retrain-epochs",
      paramLabel = "N",
      defaultValue = "" + DriftRetraining.DEFAULT_EPOCHS,
      description =
          "With a --retrain-when-below…: epochs of the automatic fine-tuning run (default ${DEFAULT-VALUE}).")
  int retrainEpochs;

  @Mixin MetricsOptions metricsOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    TrainerSettings trainer = settings();
    ConnectionSettings settings = connection.settings();
    TrainerService service = TrainerService.start(settings, TopicSerdes.connect(settings), trainer);
    Optional<MetricsEndpoint> metrics;
    try {
      metrics = metricsOptions.start(TrainerMetricFamilies.of(service.metrics()));
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    System.out.println("trainer of " + modelName + " reading " + settings.topics().control());
    return UntilStopped.run(
        "trainer",
        () -> {
          try (service) {
            metrics.ifPresent(MetricsEndpoint::close);
          }
        },
        service::awaitTermination);
  }

  /** The settings the options give; a value out of range is a mistake on the command line. */
  TrainerSettings settings() {
    try {
      DriftRetraining drift =
          new DriftRetraining(
              pointsBelowValidation, floor, sustained, cooldown, minFrames, retrainEpochs);
      if (!drift.enabled()) {
        // Tuning a policy that is off is surely a forgotten threshold, not a wish.
        spec.options().stream()
            .filter(
                option ->
                    option.longestName().startsWith("--retrain-") && isGiven(option.longestName()))
            .findFirst()
            .ifPresent(
                option -> {
                  throw new IllegalArgumentException(
                      option.longestName()
                          + " needs --retrain-when-below-validation or "
                          + "--retrain-when-below");
                });
      }
      return new TrainerSettings(modelName, publish, cacheLimit, shuffleBuffer, drift);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private boolean isGiven(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  static final class PublishConverter implements picocli.CommandLine.ITypeConverter<PublishPolicy> {
    @Override
    public PublishPolicy convert(String value) {
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "every" -> PublishPolicy.EVERY;
        case "best" -> PublishPolicy.BEST;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "'" + value + "' is not a publish policy: use every or best");
      };
    }
  }
}
