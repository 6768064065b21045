package io.emotionstream.cli;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.trainer.CheckpointPublisher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "publish-checkpoint",
    mixinStandardHelpOptions = true,
    description =
        "Publish a model file as the next checkpoint version, for the classifier to serve.")
public final class PublishCheckpointCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE",
      converter = InputPath.File.class,
      description = "The model file (a checkpoint file).")
  Path model;

  @Option(
      names = "--model-name",
      defaultValue = ModelNames.DEFAULT,
      paramLabel = "NAME",
      description = "Name to publish it under (default ${DEFAULT-VALUE}).")
  String modelName;

  @Override
  public Integer call() throws IOException {
    ConnectionSettings settings = connection.settings();
    ModelCheckpoint checkpoint =
        CheckpointPublisher.connect(settings, TopicSerdes.connect(settings), modelName)
            .publishFile(model);
    System.out.println(
        "published "
            + model
            + " as "
            + modelName
            + " version "
            + checkpoint.getVersion()
            + " (sha256 "
            + checkpoint.getSha256()
            + ") -> "
            + settings.topics().checkpoints());
    return 0;
  }
}
