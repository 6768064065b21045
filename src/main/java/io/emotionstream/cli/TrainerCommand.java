package io.emotionstream.cli;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.metrics.MetricsEndpoint;
import io.emotionstream.metrics.TrainerMetricFamilies;
import io.emotionstream.trainer.PublishPolicy;
import io.emotionstream.trainer.TrainerService;
import io.emotionstream.trainer.TrainerSettings;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "trainer", mixinStandardHelpOptions = true,
    description = "Run the trainer: retrain on commands from the control topic, publish checkpoints and progress.")
public final class TrainerCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(names = "--model-name", defaultValue = TrainerSettings.DEFAULT_MODEL_NAME, paramLabel = "NAME",
      description = "Model to train: key of its commands and checkpoints (default ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--publish", defaultValue = "every", paramLabel = "every|best",
      converter = PublishConverter.class,
      description = "Publish a checkpoint after every epoch, or only when validation accuracy improves (default ${DEFAULT-VALUE}).")
  PublishPolicy publish;

  @Option(names = "--cache-limit", defaultValue = "" + TrainerSettings.DEFAULT_CACHE_LIMIT, paramLabel = "N",
      description = "Training examples kept in memory; past it each epoch streams the topic through a shuffle buffer (default ${DEFAULT-VALUE}).")
  int cacheLimit;

  @Option(names = "--shuffle-buffer", defaultValue = "" + TrainerSettings.DEFAULT_SHUFFLE_BUFFER, paramLabel = "N",
      description = "Faces in the shuffle buffer when streaming (default ${DEFAULT-VALUE}).")
  int shuffleBuffer;

  @Mixin MetricsOptions metricsOptions;

  @Override
  public Integer call() throws InterruptedException {
    ConnectionSettings settings = connection.settings();
    TrainerSettings trainer = new TrainerSettings(modelName, publish, cacheLimit, shuffleBuffer);
    TrainerService service = TrainerService.start(settings, TopicSerdes.connect(settings), trainer);
    Optional<MetricsEndpoint> metrics;
    try {
      metrics = metricsOptions.start(TrainerMetricFamilies.of(service.metrics()));
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    System.out.println("trainer of " + modelName + " reading " + settings.topics().control());
    return UntilStopped.run("trainer", () -> {
      try (service) {
        metrics.ifPresent(MetricsEndpoint::close);
      }
    }, service::awaitTermination);
  }

  static final class PublishConverter implements picocli.CommandLine.ITypeConverter<PublishPolicy> {
    @Override
    public PublishPolicy convert(String value) {
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "every" -> PublishPolicy.EVERY;
        case "best" -> PublishPolicy.BEST;
        default -> throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not a publish policy: use every or best");
      };
    }
  }
}
