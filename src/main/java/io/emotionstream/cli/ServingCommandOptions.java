package io.emotionstream.cli;

import io.emotionstream.control.ModelNames;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * What {@code promote} and {@code rollback} share: the model, the reason kept with the decision,
 * the wait.
 */
final class ServingCommandOptions {
  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, kept with the decision.")
  String reason;

  @Option(
      names = "--model-name",
      defaultValue = ModelNames.DEFAULT,
      paramLabel = "NAME",
      description = "The model (default ${DEFAULT-VALUE}).")
  String modelName;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "D",
      description =
          "How long to wait for a classifier's answer (default ${DEFAULT-VALUE}); the command stays on "
              + "the control topic either way.")
  Duration timeout;
}
